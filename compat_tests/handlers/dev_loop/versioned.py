import version


def handler(event, context):
    return version.VERSION
