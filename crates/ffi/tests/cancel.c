/*
 * libredburn from C, what burn.c does not show: a track from a PCM read callback, cancelled
 * from another thread while it is being written (the read callback holds back until the
 * cancel is in), then a second track from the callback written whole.
 *
 *   cancel DEVICE   → exit 0 when all went as the header says
 */
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "redburn.h"
#include "expect.h"

struct source {
    uint64_t left, hold_after;
    pthread_mutex_t lock;
    pthread_cond_t changed;
    bool reached, cancelled;
    uint32_t calls;
};

/* 44.1 kHz 16-bit stereo PCM; after `hold_after` bytes, waits until the canceller is done. */
static intptr_t read_pcm(void *user, uint8_t *buffer, size_t length) {
    struct source *s = user;
    pthread_mutex_lock(&s->lock);
    s->calls++;
    if (s->hold_after == 0 && !s->cancelled) {
        s->reached = true;
        pthread_cond_broadcast(&s->changed);
        while (!s->cancelled)
            pthread_cond_wait(&s->changed, &s->lock);
    }
    size_t n = length;
    if (n > s->left)
        n = (size_t)s->left;
    if (s->hold_after > 0 && n > s->hold_after)
        n = (size_t)s->hold_after;
    s->left -= n;
    s->hold_after -= s->hold_after > 0 ? n : 0;
    pthread_mutex_unlock(&s->lock);
    for (size_t i = 0; i < n; i++)
        buffer[i] = (uint8_t)(i * 13);
    return (intptr_t)n;
}

struct canceller {
    rb_cancel *handle;
    struct source *source;
    int32_t result;
};

static void *cancel_when_reached(void *arg) {
    struct canceller *c = arg;
    pthread_mutex_lock(&c->source->lock);
    while (!c->source->reached)
        pthread_cond_wait(&c->source->changed, &c->source->lock);
    pthread_mutex_unlock(&c->source->lock);
    c->result = rb_cancel_request(c->handle); /* from a thread of its own */
    pthread_mutex_lock(&c->source->lock);
    c->source->cancelled = true;
    pthread_cond_broadcast(&c->source->changed);
    pthread_mutex_unlock(&c->source->lock);
    return NULL;
}


int main(int argc, char **argv) {
    int status = 0;
    if (argc != 2) {
        fprintf(stderr, "usage: cancel DEVICE\n");
        return 2;
    }
    rb_recorder *rec = NULL;
    rb_tao *tao = NULL;
    rb_cancel *handle = NULL;
    int32_t hr;
    EXPECT(rb_recorder_open(argv[1], &rec) == RB_S_OK, "open");
    EXPECT(rb_tao_new(&tao) == RB_S_OK, "new");
    EXPECT(rb_tao_cancel_handle(tao, &handle) == RB_S_OK, "cancel handle");
    /* Nothing is being written: the header's code for that. */
    hr = rb_cancel_request(handle);
    EXPECT(hr == RB_E_IMAPI_DF2TAO_WRITE_NOT_IN_PROGRESS, "idle cancel gave 0x%08" PRIX32, (uint32_t)hr);
    EXPECT(rb_tao_set_recorder(tao, rec) == RB_S_OK, "set recorder");
    /* The recorder's handle is empty while the writer has the drive. */
    rb_media_info m;
    hr = rb_recorder_media_info(rec, &m);
    EXPECT(hr == RB_E_IMAPI_RECORDER_REQUIRED, "media info on a lent recorder gave 0x%08" PRIX32, (uint32_t)hr);
    EXPECT(rb_tao_prepare_media(tao) == RB_S_OK, "prepare");

    uint64_t frames = 44100 * 30;
    struct source s = {frames * 4, 2352 * 600, PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, false, false, 0};
    struct canceller c = {handle, &s, -1};
    pthread_t thread;
    pthread_create(&thread, NULL, cancel_when_reached, &c);
    hr = rb_tao_add_audio_callback(tao, frames, read_pcm, &s);
    if (hr < 0)
        printf("track 1: %s\n", rb_last_error_message());
    /* Should the call have ended before the hold, the canceller must not wait forever. */
    pthread_mutex_lock(&s.lock);
    s.reached = true;
    pthread_cond_broadcast(&s.changed);
    pthread_mutex_unlock(&s.lock);
    pthread_join(thread, NULL);
    EXPECT(c.result == RB_S_OK, "the cancel from the other thread gave 0x%08" PRIX32, (uint32_t)c.result);
    EXPECT(hr == RB_E_IMAPI_REQUEST_CANCELLED, "the cancelled track gave 0x%08" PRIX32, (uint32_t)hr);
    EXPECT(strcmp(rb_last_error_name(), "E_IMAPI_REQUEST_CANCELLED") == 0, "name %s", rb_last_error_name());
    printf("track 1 cancelled from another thread after %" PRIu32 " reads\n", s.calls);

    /* A whole track from the callback: 5 s. */
    struct source whole = {44100 * 5 * 4, 0, PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, false, true, 0};
    EXPECT(rb_tao_add_audio_callback(tao, 44100 * 5, read_pcm, &whole) == RB_S_OK, "whole track");
    EXPECT(whole.left == 0, "%" PRIu64 " bytes left unread", whole.left);
    /* A NULL callback is E_POINTER. */
    EXPECT(rb_tao_add_audio_callback(tao, 100, NULL, NULL) == RB_E_POINTER, "NULL read");
    uint32_t tracks = 0;
    EXPECT(rb_tao_number_of_existing_tracks(tao, &tracks) == RB_S_OK, "tracks");
    EXPECT(rb_tao_release_media(tao) == RB_S_OK, "release");
    EXPECT(rb_tao_release_recorder(tao, rec) == RB_S_OK, "release recorder");
    EXPECT(rb_recorder_media_info(rec, &m) == RB_S_OK, "media info");
    printf("disc: %" PRIu32 " tracks, status %d, writer counted %" PRIu32 "\n", m.tracks, m.status, tracks);

done:
    rb_cancel_free(handle);
    rb_tao_free(tao);
    rb_recorder_free(rec);
    return status;
}
