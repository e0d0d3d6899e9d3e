"""The HTML pages for patients and clinicians: server-rendered, working without JavaScript."""
