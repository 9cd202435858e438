/*
 * libredburn from C: a raw disc-at-once image built as IMAPI's IRawCDImageCreator builds
 * one (tracks from files, ISRC, pre-emphasis, an index, the catalog number), its expected
 * table of contents, and IDiscFormat2RawCD writing it with Update events.
 *
 *   raw DEVICE FILE1 FILE2   → exit 0 when all went as the header says
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "redburn.h"
#include "expect.h"

struct seen {
    int preparing, writing, finishing, bad_buffers;
};

static bool on_read(void *user, uint64_t done, uint64_t total) {
    uint64_t *last = user;
    *last = done;
    (void)total;
    return true;
}

static bool stop_read(void *user, uint64_t done, uint64_t total) {
    (void)user;
    return done < total / 2;
}

static bool on_update(void *user, const rb_raw_update *u) {
    struct seen *s = user;
    s->preparing += u->current_action == 1;
    s->writing += u->current_action == 2;
    s->finishing += u->current_action == 3;
    s->bad_buffers += u->used_system_buffer + u->free_system_buffer != u->total_system_buffer;
    return true;
}


int main(int argc, char **argv) {
    int status = 0;
    if (argc != 4) {
        fprintf(stderr, "usage: raw DEVICE FILE1 FILE2\n");
        return 2;
    }
    rb_recorder *rec = NULL;
    rb_raw_image *img = NULL;
    EXPECT(rb_recorder_open(argv[1], &rec) == RB_S_OK, "open");
    EXPECT(rb_raw_image_new(&img) == RB_S_OK, "new image");
    uint8_t n = 0;
    EXPECT(rb_raw_image_add_track(img, argv[2], &n) == RB_S_OK && n == 1, "track 1 (%u)", n);
    EXPECT(rb_raw_image_add_track(img, argv[3], &n) == RB_S_OK && n == 2, "track 2 (%u)", n);
    EXPECT(rb_raw_image_add_track(img, "/nonexistent.flac", NULL) < 0, "a missing file");
    EXPECT(rb_raw_image_set_media_catalog_number(img, "0724385525728") == RB_S_OK, "mcn");
    EXPECT(rb_raw_image_set_media_catalog_number(img, "12345") < 0, "a short mcn");
    EXPECT(rb_raw_track_set_isrc(img, 1, "USK7Y9812345") == RB_S_OK, "isrc");
    EXPECT(rb_raw_track_set_flags(img, 1, true, true) == RB_S_OK, "flags");
    EXPECT(rb_raw_track_add_index(img, 1, 100) == RB_S_OK, "index");
    EXPECT(rb_raw_track_add_index(img, 1, 100) == 0x00AA0A03, "the same index again");
    EXPECT(rb_raw_image_set_resulting_image_type(img, 7) == RB_E_INVALIDARG, "type 7");
    EXPECT(rb_raw_image_set_cd_text_packs(img, (const uint8_t *)"no packs", 8) == RB_E_INVALIDARG, "not packs");
    EXPECT(rb_raw_image_set_cd_text_packs(img, NULL, 0) == RB_S_OK, "no CD-TEXT");
    EXPECT(rb_raw_image_add_subcode_rw_generator(img, "/nonexistent/rw.bin") == RB_E_INVALIDARG, "no R-W file");
    EXPECT(rb_raw_image_add_subcode_rw_generator(img, NULL) == RB_E_POINTER, "NULL R-W path");
    rb_raw_track_info t;
    EXPECT(rb_raw_image_track_info(img, 1, &t) == RB_S_OK, "track info");
    printf("track 1: LBA %" PRId32 ", %" PRIu32 " sectors, copy %d, pre-emphasis %d, %" PRIu32 " indexes\n",
           t.starting_lba, t.sector_count, t.copy_permitted, t.audio_has_preemphasis, t.index_count);
    EXPECT(rb_raw_image_track_info(img, 3, &t) < 0, "no track 3");
    size_t len = 0;
    uint8_t toc[64];
    EXPECT(rb_raw_image_expected_toc(img, NULL, 0, &len) == RB_S_OK && len <= sizeof toc, "toc size %zu", len);
    EXPECT(rb_raw_image_expected_toc(img, toc, sizeof toc, &len) == RB_S_OK, "toc");
    printf("toc: %zu bytes, tracks %u-%u, track 1 ADR/CONTROL %02X\n", len, toc[2], toc[3], toc[5]);
    struct seen s = {0};
    EXPECT(rb_raw_write_image(rec, img, 0, on_update, &s) == RB_S_OK, "write");
    printf("updates: preparing %d, writing %d, finishing %d, bad buffers %d\n", s.preparing, s.writing > 0,
           s.finishing, s.bad_buffers);
    EXPECT(rb_raw_track_set_isrc(img, 1, "USK7Y9812345") < 0, "the image is read-only once written");
    rb_media_info m;
    EXPECT(rb_recorder_media_info(rec, &m) == RB_S_OK, "media info");
    printf("disc: %" PRIu32 " tracks, status %d\n", m.tracks, m.status);

    /* The disc read back into an image, as `redburn read` makes one. */
    char out[4096], stopped[4096];
    snprintf(out, sizeof out, "%s/copy.cue", getenv("REDBURN_HOME"));
    snprintf(stopped, sizeof stopped, "%s/stopped.cue", getenv("REDBURN_HOME"));
    rb_read_options o = rb_read_options_default();
    o.split = true;
    rb_read_result rr;
    uint64_t last = 0;
    EXPECT(rb_read_image(rec, out, &o, on_read, &last, &rr) == RB_S_OK, "read image");
    printf("read: exact %d, %" PRIu32 " tracks, %" PRIu64 " sectors, last progress %" PRIu64 "\n", rr.exact, rr.tracks,
           rr.sectors, last);
    int32_t hr = rb_read_image(rec, stopped, NULL, stop_read, NULL, NULL);
    EXPECT(strcmp(rb_last_error_name(), "E_IMAPI_REQUEST_CANCELLED") == 0, "stopped read gave 0x%08" PRIX32,
           (uint32_t)hr);

done:
    rb_raw_image_free(img);
    rb_recorder_free(rec);
    return status;
}
