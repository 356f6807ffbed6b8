"""End-to-end tests: Debian's Chromium, driven by Playwright, against the app served on a local port."""
