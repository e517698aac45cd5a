#ifndef MINIBATCHGD_BASELINE_H
#define MINIBATCHGD_BASELINE_H
double baseline_probe(void);
#endif
