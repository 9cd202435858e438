/*
 * burn.c: burn audio files track-at-once (or a CUE/TOC sheet disc-at-once) with libredburn,
 * then read the disc back and verify it.
 *
 *   cc burn.c $(pkg-config --cflags --libs redburn) -o burn
 *   ./burn emu:default song1.flac song2.wav        track-at-once, then verify
 *   ./burn --sheet emu:default album.cue           disc-at-once, then verify
 *   ./burn --stop-at 50 emu:default song1.flac     cancel from the Update callback at 50 %
 *
 * Exit status: 0 written and verified, 1 a call failed, 2 usage, 3 the disc differs.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "redburn.h"

static int failed(const char *what, int32_t hr) {
    fprintf(stderr, "burn: %s failed: %s (%s, 0x%08" PRIX32 ")\n", what, rb_last_error_message(),
            rb_last_error_name(), (uint32_t)hr);
    return 1;
}

#define CHECK(call)                                                                                \
    do {                                                                                           \
        int32_t hr_ = (call);                                                                      \
        if (hr_ < 0) {                                                                             \
            status = failed(#call, hr_);                                                           \
            goto done;                                                                             \
        }                                                                                          \
    } while (0)

static const char *ACTIONS[] = {"unknown", "preparing", "writing", "finishing", "verifying"};

/* The Update event: one line per change of action or track, and the percentage written. */
struct watch {
    int track, action, stop_at;
};

static bool on_update(const rb_tao_update *u, void *user) {
    struct watch *w = user;
    int percent = u->sector_count > 0 ? (int)(100.0 * (u->last_written_lba - u->start_lba) / u->sector_count) : 0;
    if (u->current_track_number != w->track || u->current_action != w->action) {
        w->track = u->current_track_number;
        w->action = u->current_action;
        printf("track %d: %s (%" PRIu64 " sectors free)\n", u->current_track_number,
               ACTIONS[u->current_action >= 0 && u->current_action <= 4 ? u->current_action : 0],
               u->free_sectors_on_media);
    }
    if (w->stop_at >= 0 && u->current_action == 2 && percent >= w->stop_at) {
        printf("track %d: stopping at %d %%\n", u->current_track_number, percent);
        return false; /* CancelAddTrack */
    }
    return true;
}

static bool on_progress(uint32_t written, uint32_t total, int64_t size, int64_t free_, void *user) {
    (void)size, (void)free_, (void)user;
    if (written == total)
        printf("disc-at-once: %" PRIu32 " sectors sent, closing the session\n", total);
    return true;
}

static void on_note(const char *note, void *user) {
    (void)user;
    printf("note: %s\n", note);
}

static void on_verdict(const rb_track_verdict *v, void *user) {
    (void)user;
    printf("verify track %" PRIu32 ": %s, CRC32 %08" PRIX32 ", AccurateRip v1 %08" PRIX32 "\n", v->number,
           v->matches ? "ok" : "DIFFERS", v->crc32, v->accuraterip_v1);
}

int main(int argc, char **argv) {
    int status = 0, first = 1, stop_at = -1;
    bool sheet = false;
    while (first < argc && strncmp(argv[first], "--", 2) == 0) {
        if (strcmp(argv[first], "--sheet") == 0) {
            sheet = true;
            first += 1;
        } else if (strcmp(argv[first], "--stop-at") == 0 && first + 1 < argc) {
            stop_at = atoi(argv[first + 1]);
            first += 2;
        } else {
            break;
        }
    }
    if (argc - first < 2) {
        fprintf(stderr, "usage: burn [--sheet] [--stop-at PERCENT] DEVICE FILE...\n");
        return 2;
    }
    const char *device = argv[first];
    char **files = argv + first + 1;
    size_t count = (size_t)(argc - first - 1);

    rb_device_list *list = NULL;
    rb_recorder *rec = NULL;
    rb_tao *tao = NULL;
    uint32_t differing = 0;

    CHECK(rb_devices(&list));
    printf("libredburn %s, %zu recorder(s) known\n", rb_version(), rb_device_list_count(list));

    CHECK(rb_recorder_open(device, &rec));
    printf("%s: %s %s %s\n", rb_recorder_identity(rec, RB_IDENTITY_NAME), rb_recorder_identity(rec, RB_IDENTITY_VENDOR_ID),
           rb_recorder_identity(rec, RB_IDENTITY_PRODUCT_ID), rb_recorder_identity(rec, RB_IDENTITY_PRODUCT_REVISION));
    rb_media_info m;
    CHECK(rb_recorder_media_info(rec, &m));
    printf("medium: type %d, status %d, %" PRIu64 " of %" PRIu64 " sectors free\n", m.media_type, m.status,
           m.free_sectors, m.total_sectors);

    if (sheet) {
        rb_dao_options o = rb_dao_options_default();
        CHECK(rb_burn_sheet(rec, files[0], &o, on_progress, on_note, NULL));
        CHECK(rb_verify_sheet(rec, files[0], on_verdict, NULL, &differing));
    } else {
        struct watch w = {-1, -1, stop_at};
        CHECK(rb_tao_new(&tao));
        CHECK(rb_tao_set_client_name(tao, "burn.c"));
        bool keep_open = true, bufe_off = true;
        CHECK(rb_tao_do_not_finalize_media(tao, &keep_open));
        CHECK(rb_tao_buffer_underrun_free_disabled(tao, &bufe_off));
        printf("writer: client %s, finalize %s, BUFE %s\n", rb_tao_client_name(tao), keep_open ? "no" : "yes",
               bufe_off ? "off" : "on");
        CHECK(rb_tao_set_update_callback(tao, on_update, &w));
        CHECK(rb_tao_set_recorder(tao, rec));
        CHECK(rb_tao_prepare_media(tao));
        for (size_t i = 0; i < count; i++) {
            int32_t hr = rb_tao_add_audio_file(tao, files[i]);
            if (hr < 0) {
                status = failed(files[i], hr);
                /* Close what was written so the disc stays readable. */
                rb_tao_release_media(tao);
                goto done;
            }
        }
        uint32_t tracks = 0;
        CHECK(rb_tao_number_of_existing_tracks(tao, &tracks));
        CHECK(rb_tao_release_media(tao));
        printf("wrote %" PRIu32 " tracks\n", tracks);
        CHECK(rb_tao_release_recorder(tao, rec));
        CHECK(rb_verify_files(rec, (const char *const *)files, count, on_verdict, NULL, &differing));
    }
    if (differing > 0) {
        fprintf(stderr, "burn: %" PRIu32 " track(s) differ from their sources\n", differing);
        status = 3;
    } else {
        printf("verified: the disc holds exactly the sources\n");
    }

done:
    rb_tao_free(tao);
    rb_recorder_free(rec);
    rb_device_list_free(list);
    return status;
}
