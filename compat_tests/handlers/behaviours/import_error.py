import a_module_nobody_installed  # noqa: F401


def handler(event, context):
    return 1
