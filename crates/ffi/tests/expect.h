/*
 * The C test programs' check: on failure, say where and why (with libredburn's last error),
 * set `status` to 1 and go to `done`, where the program frees what it holds.
 */
#ifndef REDBURN_TEST_EXPECT_H
#define REDBURN_TEST_EXPECT_H

#include <stdio.h>

#include "redburn.h"

#define EXPECT(cond, ...)                                                                          \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "%s: line %d: ", __FILE__, __LINE__);                                  \
            fprintf(stderr, __VA_ARGS__);                                                          \
            fprintf(stderr, " (last error: %s %s)\n", rb_last_error_name(), rb_last_error_message()); \
            status = 1;                                                                            \
            goto done;                                                                             \
        }                                                                                          \
    } while (0)

#endif
