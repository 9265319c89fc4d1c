/* json.c: being written; nothing here is used yet. */
#include "config.h"
#include "json.h"
