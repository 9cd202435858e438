/*
 * The burn job from C: `job [--verify] [--sheet-only] [--normalize] DEVICE... -- INPUT...` plans
 * the inputs (files and playlists, or one CUE sheet / TOC file), each track normalised to
 * −18 LUFS with `--normalize`, checks them against each recorder, burns them onto
 * every recorder at once with rb_job_run and prints every event and result as a line.
 * `--sheet-only` burns with rb_burn_sheet onto the first recorder instead.
 * Exit 0 when every recorder wrote its disc, 1 otherwise.
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "redburn.h"

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static const char *phase_name(int32_t p) {
    switch (p) {
    case RB_PHASE_PREPARING: return "preparing";
    case RB_PHASE_WRITING: return "writing";
    case RB_PHASE_CLOSING: return "closing";
    case RB_PHASE_VERIFYING: return "verifying";
    case RB_PHASE_DONE: return "done";
    default: return "?";
    }
}

static const char *route_name(int32_t r) {
    switch (r) {
    case RB_ROUTE_TRACK_AT_ONCE: return "track-at-once";
    case RB_ROUTE_SESSION_AT_ONCE: return "session-at-once";
    case RB_ROUTE_RAW: return "raw";
    default: return "none";
    }
}

/* Called from each recorder's thread: one line at a time. */
static void on_event(const struct rb_job_event *e, void *user) {
    unsigned long *progress = user;
    pthread_mutex_lock(&lock);
    switch (e->kind) {
    case RB_EVENT_PHASE:
        printf("%s: phase %s route %s track %u of %u\n", e->device, phase_name(e->phase), route_name(e->route),
               e->track, e->tracks);
        break;
    case RB_EVENT_PROGRESS:
        progress[e->recorder]++;
        if (e->written > e->total || e->burned > e->written) {
            printf("%s: bad progress %llu/%llu/%llu\n", e->device, (unsigned long long)e->burned,
                   (unsigned long long)e->written, (unsigned long long)e->total);
        }
        break;
    case RB_EVENT_SPEED:
        printf("%s: speed %u sectors/s\n", e->device, e->speed);
        break;
    case RB_EVENT_ROUTE:
        printf("%s: route now %s (reason %d)\n", e->device, route_name(e->route), e->reason);
        break;
    }
    pthread_mutex_unlock(&lock);
}

static void on_note(const char *note, void *user) {
    (void)user;
    printf("note: %s\n", note);
}

static bool on_sheet_progress(uint32_t written, uint32_t total, int64_t size, int64_t free_bytes, void *user) {
    (void)size;
    (void)free_bytes;
    uint32_t *last = user;
    *last = written;
    return written <= total;
}

int main(int argc, char **argv) {
    struct rb_job_options options = rb_job_options_default();
    bool sheet_only = false;
    int i = 1;
    for (; i < argc && strncmp(argv[i], "--", 2) == 0 && argv[i][2] != '\0'; i++) {
        if (strcmp(argv[i], "--verify") == 0) options.verify = true;
        if (strcmp(argv[i], "--sheet-only") == 0) sheet_only = true;
        if (strcmp(argv[i], "--normalize") == 0) options.normalize = RB_NORMALIZE_TRACK;
    }
    int first_device = i;
    while (i < argc && strcmp(argv[i], "--") != 0) i++;
    int devices = i - first_device;
    if (i >= argc || devices < 1 || devices > 8) {
        fprintf(stderr, "usage: job [--verify] [--sheet-only] [--normalize] DEVICE... -- INPUT...\n");
        return 2;
    }
    const char **inputs = (const char **)&argv[i + 1];
    size_t count = (size_t)(argc - i - 1);

    struct rb_recorder *recorders[8] = {0};
    int status = 1;
    struct rb_job *job = NULL;
    /* Ordinary mistakes: a NULL out-pointer is E_POINTER and leaks nothing (the drive is not
       left busy), an identity outside rb_identity is NULL with E_INVALIDARG. */
    if (rb_recorder_open(argv[first_device], NULL) != RB_E_POINTER) {
        fprintf(stderr, "a NULL out-pointer was not E_POINTER\n");
        return 1;
    }
    if (rb_job_new(inputs, count, NULL, NULL, NULL, NULL) != RB_E_POINTER) {
        fprintf(stderr, "rb_job_new with a NULL out-pointer was not E_POINTER\n");
        return 1;
    }
    for (int d = 0; d < devices; d++) {
        if (rb_recorder_open(argv[first_device + d], &recorders[d]) != RB_S_OK) {
            fprintf(stderr, "open %s: %s (%s)\n", argv[first_device + d], rb_last_error_message(), rb_last_error_name());
            goto out;
        }
    }
    if (rb_recorder_identity(recorders[0], 99) != NULL || strcmp(rb_last_error_name(), "E_INVALIDARG") != 0) {
        fprintf(stderr, "identity 99 was not refused\n");
        goto out;
    }
    if (sheet_only) {
        uint32_t last = 0;
        struct rb_dao_options dao = rb_dao_options_default();
        int32_t hr = rb_burn_sheet(recorders[0], inputs[0], &dao, on_sheet_progress, on_note, &last);
        if (hr != RB_S_OK) {
            fprintf(stderr, "rb_burn_sheet: %s (%s, 0x%08X)\n", rb_last_error_message(), rb_last_error_name(),
                    (unsigned)hr);
            goto out;
        }
        printf("rb_burn_sheet: ok, %u sectors sent\n", last);
        status = 0;
        goto out;
    }
    int32_t hr = rb_job_new(inputs, count, &options, on_note, NULL, &job);
    if (hr != RB_S_OK) {
        fprintf(stderr, "rb_job_new: %s (%s, 0x%08X)\n", rb_last_error_message(), rb_last_error_name(), (unsigned)hr);
        goto out;
    }
    uint32_t tracks = 0;
    uint64_t sectors = 0;
    rb_job_size(job, &tracks, &sectors);
    printf("job: %u tracks, %llu sectors\n", tracks, (unsigned long long)sectors);
    for (uint32_t t = 0; options.normalize != RB_NORMALIZE_OFF && t < tracks; t++) {
        struct rb_track_gain g;
        if (rb_job_track_gain(job, t, &g) != RB_S_OK) {
            fprintf(stderr, "rb_job_track_gain: %s\n", rb_last_error_message());
            goto out;
        }
        printf("gain track %u: %+.2f dB, measured %.1f LUFS, true peak %.1f dBTP%s\n", t + 1, g.gain_db,
               g.measured_lufs, g.true_peak_dbtp, g.limited ? ", limited" : "");
    }
    if (options.normalize != RB_NORMALIZE_OFF && rb_job_track_gain(job, tracks, &(struct rb_track_gain){0}) == RB_S_OK) {
        fprintf(stderr, "rb_job_track_gain of a track beyond the last was not refused\n");
        goto out;
    }
    for (int d = 0; d < devices; d++) {
        struct rb_job_plan check;
        hr = rb_job_check(job, recorders[d], &check);
        printf("check %s: %s, route %s (reason %d), needs %llu of %llu free\n", argv[first_device + d],
               hr == RB_S_OK ? "ok" : rb_last_error_name(), route_name(check.route), check.reason,
               (unsigned long long)check.needed, (unsigned long long)check.free);
    }
    unsigned long progress[8] = {0};
    struct rb_job_result results[8];
    hr = rb_job_run(job, recorders, (size_t)devices, on_event, progress, results);
    for (int d = 0; d < devices; d++) {
        struct rb_job_result *r = &results[d];
        printf("result %s: hresult 0x%08X class %d route %s tracks %u sectors %llu verified %d differing %u "
               "progress events %lu message \"%s\"\n",
               argv[first_device + d], (unsigned)r->hresult, r->error_class, route_name(r->route), r->tracks,
               (unsigned long long)r->sectors, r->verified, r->differing_tracks, progress[d], r->message);
    }
    if (hr != RB_S_OK) {
        fprintf(stderr, "rb_job_run: %s (%s, 0x%08X)\n", rb_last_error_message(), rb_last_error_name(), (unsigned)hr);
        goto out;
    }
    status = 0;
out:
    rb_job_free(job);
    for (int d = 0; d < devices; d++) rb_recorder_free(recorders[d]);
    return status;
}
