"""The theme's build-time side: the KRDS design tokens the theme uses (`invoke tokens`)."""
