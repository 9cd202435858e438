/*
 * libredburn from C: the write-speed descriptors of the medium, then IMAPI v1's burn of an
 * album (rb_tao_burn_album) with its IDiscMasterProgressEvents, each call printed in order.
 *
 *   v1 DEVICE FILE...   → exit 0 when the events came as IMAPI v1 sends them
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "redburn.h"
#include "expect.h"

struct log {
    int adds, tracks, blocks, closing, complete;
    int32_t last_track_completed, last_block;
    uint32_t status;
};

static void on_add(void *user, int32_t completed, int32_t total) {
    struct log *l = user;
    l->adds++;
    printf("add %" PRId32 "/%" PRId32 "\n", completed, total);
}
static void on_track(void *user, int32_t completed, int32_t total) {
    struct log *l = user;
    l->tracks++;
    l->last_track_completed = completed;
    printf("track %" PRId32 "/%" PRId32 "\n", completed, total);
}
static void on_block(void *user, int32_t completed, int32_t total) {
    struct log *l = user;
    l->blocks++;
    if (completed < l->last_block)
        printf("blocks went back: %" PRId32 " after %" PRId32 "\n", completed, l->last_block);
    l->last_block = completed;
    (void)total;
}
static void on_closing(void *user, int32_t seconds) {
    struct log *l = user;
    l->closing++;
    printf("closing (%" PRId32 " s)\n", seconds);
}
static void on_complete(void *user, uint32_t status) {
    struct log *l = user;
    l->complete++;
    l->status = status;
    printf("complete 0x%08" PRIX32 "\n", status);
}


int main(int argc, char **argv) {
    int status = 0;
    if (argc < 3) {
        fprintf(stderr, "usage: v1 DEVICE FILE...\n");
        return 2;
    }
    rb_recorder *rec = NULL;
    rb_tao *tao = NULL;
    EXPECT(rb_recorder_open(argv[1], &rec) == RB_S_OK, "open");
    EXPECT(rb_tao_new(&tao) == RB_S_OK, "new");
    EXPECT(rb_tao_set_recorder(tao, rec) == RB_S_OK, "set recorder");

    /* A first call with no room sizes the array. */
    size_t count = 0;
    EXPECT(rb_tao_supported_write_speed_descriptors(tao, NULL, 0, &count) == RB_S_OK, "count descriptors");
    EXPECT(count > 0 && count <= 32, "%zu descriptors", count);
    rb_write_speed_descriptor d[32];
    size_t again = 0;
    EXPECT(rb_tao_supported_write_speed_descriptors(tao, d, count, &again) == RB_S_OK && again == count, "descriptors");
    for (size_t i = 0; i < count; i++)
        printf("speed %" PRIu32 " media %" PRId32 " cav %d\n", d[i].write_speed, d[i].media_type,
               d[i].rotation_type_is_pure_cav);
    EXPECT(rb_tao_supported_write_speed_descriptors(tao, NULL, 1, &again) == RB_E_POINTER, "NULL out");

    struct log l = {0};
    rb_disc_master_progress p = {0};
    p.user = &l;
    p.notify_add_progress = on_add;
    p.notify_track_progress = on_track;
    p.notify_block_progress = on_block;
    p.notify_closing_disc = on_closing;
    p.notify_burn_complete = on_complete;
    int32_t hr = rb_tao_burn_album(tao, (const char *const *)&argv[2], (size_t)(argc - 2), &p);
    EXPECT(hr == RB_S_OK, "burn album gave 0x%08" PRIX32, (uint32_t)hr);
    int n = argc - 2;
    EXPECT(l.adds == n + 1, "%d add events for %d files", l.adds, n);
    EXPECT(l.tracks == n + 1 && l.last_track_completed == n, "%d track events, last %" PRId32, l.tracks,
           l.last_track_completed);
    EXPECT(l.blocks > 0 && l.closing == 1 && l.complete == 1 && l.status == 0, "blocks %d closing %d complete %d",
           l.blocks, l.closing, l.complete);
    /* A file that is not there: staged first, so nothing is written, and the code says why. */
    const char *missing[] = {argv[2], "/nonexistent/track.flac"};
    hr = rb_tao_burn_album(tao, missing, 2, NULL);
    EXPECT((uint32_t)hr == 0xC0AA050Du /* E_IMAPI_DF2TAO_STREAM_NOT_SUPPORTED */, "a missing file gave 0x%08" PRIX32, (uint32_t)hr);
    EXPECT(strstr(rb_last_error_message(), "/nonexistent/track.flac") != NULL, "message %s", rb_last_error_message());
    EXPECT(rb_tao_release_recorder(tao, rec) == RB_S_OK, "release recorder");
    rb_media_info m;
    EXPECT(rb_recorder_media_info(rec, &m) == RB_S_OK, "media info");
    printf("disc: %" PRIu32 " tracks, status %d\n", m.tracks, m.status);

done:
    rb_tao_free(tao);
    rb_recorder_free(rec);
    return status;
}
