from tests.gateway.conftest import evidence

__all__ = ["evidence"]
