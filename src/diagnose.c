/* diagnose.c: being written; nothing here is used yet. */
#include "config.h"
#include "diagnose.h"
