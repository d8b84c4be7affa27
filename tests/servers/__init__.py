"""Real local servers for the tests: HTTP, HTTPS, DNS and HTTP CONNECT proxies on 127.0.0.1."""
