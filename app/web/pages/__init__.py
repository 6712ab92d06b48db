"""The pages of the app, one module each (Dash Pages registers them)."""
