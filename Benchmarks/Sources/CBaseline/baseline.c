#include "baseline.h"
double baseline_probe(void) { return 1.0; }
