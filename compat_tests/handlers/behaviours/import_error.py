import a_module_nobody_installed


def handler(event, context):
    return 1
