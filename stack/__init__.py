"""Process orchestration for running the whole assistant locally and in tests."""
