"""What a definition means: parsing, validation and evaluation. No I/O, no asyncio."""
