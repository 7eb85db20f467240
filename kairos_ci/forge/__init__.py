"""The forge port (GitHub as kairos sees it) and its PyGithub adapter."""
