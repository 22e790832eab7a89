from knooppunt.testing.administration import World, admin_client, colleague, world

__all__ = ["World", "admin_client", "colleague", "world"]
