"""Web dashboard (Solara/Mesa) support code for ddsim."""
