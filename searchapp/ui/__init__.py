"""The desktop window: PySide6 only here; the engine lives in searchapp.core."""
