"""Re-exports the token grammar: users import it from the package."""
from .tokens import TOKEN_LIST, TOKEN_LIST_FIXED

__all__ = ["TOKEN_LIST", "TOKEN_LIST_FIXED"]
