/* diagnose.h: being written (issue in progress); see src/diagnose.c. */
#ifndef ISOCK_DIAGNOSE_H
#define ISOCK_DIAGNOSE_H
#endif
