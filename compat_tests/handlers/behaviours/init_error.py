raise RuntimeError("init failed")
