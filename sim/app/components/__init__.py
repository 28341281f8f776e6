"""Solara components of the dashboard, one job each (see sim/app/dashboard.py for the page)."""
