/*
 * A librdkafka producer for benchmarks: sends COUNT records of SIZE bytes (no key) as fast as the client
 * allows and prints one JSON line with what was acknowledged and how long it took. Compiled at bench time
 * against the system librdkafka (Debian librdkafka-dev).
 *
 * usage: rdkafka-produce BOOTSTRAP TOPIC COUNT SIZE [key=value librdkafka config ...]
 */
#include <librdkafka/rdkafka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static long delivered = 0, failed = 0;
static rd_kafka_resp_err_t first_error = RD_KAFKA_RESP_ERR_NO_ERROR;

static void on_delivery(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque) {
  (void)rk;
  (void)opaque;
  if (m->err) {
    failed++;
    if (!first_error) first_error = m->err;
  } else {
    delivered++;
  }
}

static double now_seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
  if (argc < 5) {
    fprintf(stderr, "usage: %s BOOTSTRAP TOPIC COUNT SIZE [key=value ...]\n", argv[0]);
    return 2;
  }
  const char *topic = argv[2];
  long count = atol(argv[3]);
  int size = atoi(argv[4]);
  char err[512];
  rd_kafka_conf_t *conf = rd_kafka_conf_new();
  if (rd_kafka_conf_set(conf, "bootstrap.servers", argv[1], err, sizeof err) != RD_KAFKA_CONF_OK) {
    fprintf(stderr, "%s\n", err);
    return 2;
  }
  for (int i = 5; i < argc; i++) {
    char *eq = strchr(argv[i], '=');
    if (!eq) continue;
    *eq = '\0';
    if (rd_kafka_conf_set(conf, argv[i], eq + 1, err, sizeof err) != RD_KAFKA_CONF_OK) {
      fprintf(stderr, "%s\n", err);
      return 2;
    }
  }
  rd_kafka_conf_set_dr_msg_cb(conf, on_delivery);
  rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
  if (!rk) {
    fprintf(stderr, "%s\n", err);
    return 2;
  }
  char *payload = malloc(size);
  for (int i = 0; i < size; i++) payload[i] = 'a' + (i % 26);

  double start = now_seconds();
  for (long i = 0; i < count; i++) {
    for (;;) {
      rd_kafka_resp_err_t e = rd_kafka_producev(rk, RD_KAFKA_V_TOPIC(topic), RD_KAFKA_V_VALUE(payload, size),
                                                RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END);
      if (e == RD_KAFKA_RESP_ERR_NO_ERROR) break;
      if (e != RD_KAFKA_RESP_ERR__QUEUE_FULL) {
        fprintf(stderr, "produce failed: %s\n", rd_kafka_err2str(e));
        return 1;
      }
      rd_kafka_poll(rk, 1);
    }
    if ((i & 1023) == 0) rd_kafka_poll(rk, 0);
  }
  rd_kafka_flush(rk, 120000);
  double seconds = now_seconds() - start;
  printf("{\"records\":%ld,\"failed\":%ld,\"bytes\":%ld,\"seconds\":%.6f,\"error\":\"%s\",\"librdkafka\":\"%s\"}\n", delivered,
         failed, delivered * (long)size, seconds, first_error ? rd_kafka_err2str(first_error) : "", rd_kafka_version_str());
  rd_kafka_destroy(rk);
  free(payload);
  return failed > 0 ? 1 : 0;
}
