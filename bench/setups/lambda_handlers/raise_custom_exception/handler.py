class CustomException(Exception):
    """An exception whose message lives in an attribute, not in its args."""

    def __init__(self):
        self.message = "CustomException message"


def handler(event, context):
    raise CustomException()
