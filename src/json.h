/* json.h: being written (issue in progress); see src/json.c. */
#ifndef ISOCK_JSON_H
#define ISOCK_JSON_H
#endif
