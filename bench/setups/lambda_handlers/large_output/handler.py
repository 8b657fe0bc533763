def handler(event, context):
    # 257 KiB: more than Step Functions' 256 KiB payload limit.
    return ("a" * (257 * 1024)).encode("utf-8")
