print("jobserver")
