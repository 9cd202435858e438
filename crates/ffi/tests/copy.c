/*
 * A disc copied from C: `copy FROM [TO...]` copies the disc in FROM onto the TOs at once with
 * rb_copy_disc, `copy --copies N FROM` N times onto FROM itself, a blank disc put in
 * (rb_emulated_insert) each time the callback asks. Every result and insert is printed as a
 * line. Exit 0 when every copy was written, 1 otherwise.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "redburn.h"

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

struct seen {
    unsigned long reads, events, inserts;
    uint64_t last_done, last_total;
};

static bool on_read(void *user, uint64_t done, uint64_t total) {
    struct seen *s = user;
    s->reads++;
    s->last_done = done;
    s->last_total = total;
    return true;
}

static bool on_insert(void *user, const char *device) {
    struct seen *s = user;
    s->inserts++;
    printf("insert %s\n", device);
    /* The drive is let go while redburn waits: put the blank in as a person would. */
    if (strncmp(device, "emu:", 4) != 0) return false;
    return rb_emulated_insert(device + 4, "cdr80") == RB_S_OK;
}

static void on_event(const struct rb_job_event *e, void *user) {
    struct seen *s = user;
    pthread_mutex_lock(&lock);
    s->events++;
    pthread_mutex_unlock(&lock);
    (void)e;
}

int main(int argc, char **argv) {
    struct rb_copy_options copy = rb_copy_options_default();
    copy.temp = getenv("REDBURN_HOME"); /* the temporary image beside the drives: the test looks */
    int a = 1;
    if (a + 1 < argc && strcmp(argv[a], "--copies") == 0) {
        copy.copies = (uint32_t)atoi(argv[a + 1]);
        a += 2;
    }
    if (a >= argc) {
        fprintf(stderr, "usage: copy [--copies N] FROM [TO...]\n");
        return 2;
    }
    const char *from = argv[a++];
    const char *const *to = (const char *const *)&argv[a];
    size_t count = (size_t)(argc - a);
    struct rb_job_options burn = rb_job_options_default();
    burn.verify = true;
    struct seen seen = {0};
    struct rb_job_result results[16];
    size_t written = 0;
    int32_t hr = rb_copy_disc(from, count ? to : NULL, count, &copy, &burn, on_read, on_insert, on_event, &seen,
                              results, 16, &written);
    printf("copy: hresult 0x%08X %s\n", (unsigned)hr, hr == RB_S_OK ? "" : rb_last_error_message());
    printf("read: %s, inserts %lu, events %s\n",
           seen.reads && seen.last_done == seen.last_total ? "whole" : "not whole", seen.inserts,
           seen.events ? "some" : "none");
    for (size_t i = 0; i < written; i++) {
        printf("result %zu: hresult 0x%08X class %d tracks %u verified %d differing %u %s\n", i,
               (unsigned)results[i].hresult, results[i].error_class, results[i].tracks, results[i].verified,
               results[i].differing_tracks, results[i].message);
    }
    /* Mistakes are said before anything is read. */
    struct rb_copy_options none = rb_copy_options_default();
    none.copies = 0;
    int32_t bad = rb_copy_disc(from, NULL, 0, &none, NULL, NULL, NULL, NULL, NULL, NULL, 0, NULL);
    printf("zero copies: %s\n", bad == RB_E_INVALIDARG ? "E_INVALIDARG" : "wrong");
    bad = rb_copy_disc(NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0, NULL);
    printf("no source: %s\n", bad == RB_E_POINTER ? "E_POINTER" : "wrong");
    return hr == RB_S_OK ? 0 : 1;
}
