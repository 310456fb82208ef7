"""The public directory: divisions, agencies, organizations and mediators as read (graph layer)."""
