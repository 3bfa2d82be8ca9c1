#include "trainer_kernels.h"

int trainer_kernels_version(void) { return TRAINER_KERNELS_ABI_VERSION; }
