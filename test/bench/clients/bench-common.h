/*
 * Shared bits of the librdkafka benchmark clients (compiled at bench time against Debian's librdkafka-dev):
 * a monotonic clock, "key=value" librdkafka configs from the command line, and a latency histogram with
 * 1 µs buckets up to 1 s and 1 ms buckets above (up to 10 min), so percentiles over millions of samples cost
 * neither memory nor a sort.
 */
#ifndef EDDY_BENCH_COMMON_H
#define EDDY_BENCH_COMMON_H

#include <librdkafka/rdkafka.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static inline int64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/*
 * Applies "key=value" arguments to conf. With a prefix (e.g. "producer."), arguments starting with it are
 * applied without it, arguments with another "producer."/"consumer." prefix are skipped, and plain ones apply.
 * "bench.*" arguments are the client's own options (bench_option()), not librdkafka's.
 */
static inline int apply_configs(rd_kafka_conf_t *conf, int argc, char **argv, const char *prefix) {
  char err[512];
  for (int i = 0; i < argc; i++) {
    const char *arg = argv[i];
    if (!strchr(arg, '=') || strncmp(arg, "bench.", 6) == 0) continue;
    if (prefix && strncmp(arg, prefix, strlen(prefix)) == 0) {
      arg += strlen(prefix);
    } else if (strncmp(arg, "producer.", 9) == 0 || strncmp(arg, "consumer.", 9) == 0) {
      continue;
    }
    char *copy = strdup(arg);
    char *eq = strchr(copy, '=');
    *eq = '\0';
    if (rd_kafka_conf_set(conf, copy, eq + 1, err, sizeof err) != RD_KAFKA_CONF_OK) {
      fprintf(stderr, "config %s: %s\n", copy, err);
      free(copy);
      return -1;
    }
    free(copy);
  }
  return 0;
}

/* The value of a "bench.NAME=value" argument, or fallback. */
static inline const char *bench_option(int argc, char **argv, const char *name, const char *fallback) {
  size_t n = strlen(name);
  for (int i = 0; i < argc; i++) {
    if (strncmp(argv[i], "bench.", 6) == 0 && strncmp(argv[i] + 6, name, n) == 0 && argv[i][6 + n] == '=') return argv[i] + 7 + n;
  }
  return fallback;
}

/* A producer for BOOTSTRAP with the "key=value" / "producer.key=value" configs and a delivery callback; exits on error. */
static inline rd_kafka_t *new_producer(const char *bootstrap, int argc, char **argv,
                                       void (*on_delivery)(rd_kafka_t *, const rd_kafka_message_t *, void *)) {
  char err[512];
  rd_kafka_conf_t *conf = rd_kafka_conf_new();
  if (rd_kafka_conf_set(conf, "bootstrap.servers", bootstrap, err, sizeof err) != RD_KAFKA_CONF_OK) goto fail;
  if (apply_configs(conf, argc, argv, "producer.") != 0) exit(2);
  rd_kafka_conf_set_dr_msg_cb(conf, on_delivery);
  rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
  if (rk) return rk;
fail:
  fprintf(stderr, "%s\n", err);
  exit(2);
}

/*
 * produce() of a copy of the value with an opaque, waiting (polling) while the local queue is full. Returns 0,
 * or -1 after printing the error.
 */
static inline int produce_value(rd_kafka_t *rk, const char *topic, const void *value, size_t size, void *opaque) {
  for (;;) {
    rd_kafka_resp_err_t e = rd_kafka_producev(rk, RD_KAFKA_V_TOPIC(topic), RD_KAFKA_V_VALUE((void *)value, size),
                                              RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_OPAQUE(opaque), RD_KAFKA_V_END);
    if (e == RD_KAFKA_RESP_ERR_NO_ERROR) return 0;
    if (e != RD_KAFKA_RESP_ERR__QUEUE_FULL) {
      fprintf(stderr, "produce failed: %s\n", rd_kafka_err2str(e));
      return -1;
    }
    rd_kafka_poll(rk, 1);
  }
}

static inline void sleep_until(int64_t t) {
  struct timespec ts = {t / 1000000000LL, t % 1000000000LL};
  clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
}

#define HIST_US_BUCKETS 1000000 /* 0 .. 999,999 µs, 1 µs each */
#define HIST_MS_BUCKETS 600000  /* 1 s .. 10 min, 1 ms each */

typedef struct {
  uint32_t *us;
  uint32_t *ms;
  uint64_t count;
  uint64_t overflow;
  double sum_us;
  int64_t max_us;
} histogram;

static inline void hist_init(histogram *h) {
  h->us = calloc(HIST_US_BUCKETS, sizeof(uint32_t));
  h->ms = calloc(HIST_MS_BUCKETS, sizeof(uint32_t));
  h->count = h->overflow = 0;
  h->sum_us = 0;
  h->max_us = 0;
}

static inline void hist_add(histogram *h, int64_t us) {
  if (us < 0) us = 0;
  h->count++;
  h->sum_us += (double)us;
  if (us > h->max_us) h->max_us = us;
  if (us < HIST_US_BUCKETS) {
    h->us[us]++;
  } else {
    int64_t ms = us / 1000 - 1000;
    if (ms < HIST_MS_BUCKETS) h->ms[ms]++;
    else h->overflow++;
  }
}

/* The smallest value v such that at least q of the samples are <= v (in µs); -1 without samples. */
static inline int64_t hist_quantile(const histogram *h, double q) {
  if (h->count == 0) return -1;
  uint64_t rank = (uint64_t)(q * (double)h->count);
  if (rank >= h->count) rank = h->count - 1;
  uint64_t seen = 0;
  for (int64_t i = 0; i < HIST_US_BUCKETS; i++) {
    seen += h->us[i];
    if (seen > rank) return i;
  }
  for (int64_t i = 0; i < HIST_MS_BUCKETS; i++) {
    seen += h->ms[i];
    if (seen > rank) return (i + 1000) * 1000;
  }
  return h->max_us;
}

/* Prints "p50_us":…,"p99_us":…,"p999_us":…,"max_us":…,"mean_us":… (no braces). */
static inline void hist_print_json(const histogram *h) {
  printf("\"samples\":%llu,\"p50_us\":%lld,\"p90_us\":%lld,\"p99_us\":%lld,\"p999_us\":%lld,\"max_us\":%lld,\"mean_us\":%.1f",
         (unsigned long long)h->count, (long long)hist_quantile(h, 0.5), (long long)hist_quantile(h, 0.9),
         (long long)hist_quantile(h, 0.99), (long long)hist_quantile(h, 0.999), (long long)h->max_us,
         h->count ? h->sum_us / (double)h->count : 0.0);
}

/* Partition count of topic, from a metadata request; -1 on error. */
static inline int topic_partitions(rd_kafka_t *rk, const char *topic) {
  rd_kafka_topic_t *rkt = rd_kafka_topic_new(rk, topic, NULL);
  const struct rd_kafka_metadata *md = NULL;
  int n = -1;
  for (int attempt = 0; attempt < 50 && n < 0; attempt++) {
    rd_kafka_resp_err_t e = rd_kafka_metadata(rk, 0, rkt, &md, 10000);
    if (e == RD_KAFKA_RESP_ERR_NO_ERROR && md->topic_cnt == 1 && md->topics[0].err == RD_KAFKA_RESP_ERR_NO_ERROR &&
        md->topics[0].partition_cnt > 0) {
      n = md->topics[0].partition_cnt;
    }
    if (md) rd_kafka_metadata_destroy(md);
    md = NULL;
    if (n < 0) {
      struct timespec ts = {0, 100 * 1000000};
      nanosleep(&ts, NULL);
    }
  }
  rd_kafka_topic_destroy(rkt);
  return n;
}

#endif
