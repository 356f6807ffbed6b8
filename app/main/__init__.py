"""Home page, dashboard, the section pages of the navigation, and the health check."""
