int trainer_kernels_version(void) { return 1; }
