/*
 * A librdkafka consumer for benchmarks that needs no consumer group: it asks for each partition's
 * watermarks, assign()s every partition of TOPIC from its low watermark, and reads (in batches from the
 * consumer queue) until every partition has reached the high watermark it had at the start. Prints one JSON
 * line: records and value bytes read, seconds from assign() to the last record, and the expected count.
 *
 * usage: rdkafka-consume BOOTSTRAP TOPIC [key=value librdkafka config ...]
 */
#include "bench-common.h"

#define BATCH 10000
#define IDLE_TIMEOUT_NS (30LL * 1000000000LL)

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: %s BOOTSTRAP TOPIC [key=value ...]\n", argv[0]);
    return 2;
  }
  const char *topic = argv[2];
  char err[512];
  rd_kafka_conf_t *conf = rd_kafka_conf_new();
  if (rd_kafka_conf_set(conf, "bootstrap.servers", argv[1], err, sizeof err) != RD_KAFKA_CONF_OK ||
      rd_kafka_conf_set(conf, "enable.partition.eof", "false", err, sizeof err) != RD_KAFKA_CONF_OK ||
      rd_kafka_conf_set(conf, "enable.auto.commit", "false", err, sizeof err) != RD_KAFKA_CONF_OK ||
      /* librdkafka's assign() needs a group.id, though no group is joined and nothing is committed. */
      rd_kafka_conf_set(conf, "group.id", "eddy-bench-assign", err, sizeof err) != RD_KAFKA_CONF_OK) {
    fprintf(stderr, "%s\n", err);
    return 2;
  }
  if (apply_configs(conf, argc - 3, argv + 3, "consumer.") != 0) return 2;
  rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof err);
  if (!rk) {
    fprintf(stderr, "%s\n", err);
    return 2;
  }
  rd_kafka_poll_set_consumer(rk);

  int partitions = topic_partitions(rk, topic);
  if (partitions < 0) {
    fprintf(stderr, "topic %s not found\n", topic);
    return 1;
  }
  int64_t *high = calloc(partitions, sizeof(int64_t));
  int64_t *next = calloc(partitions, sizeof(int64_t));
  long expected = 0;
  int pending = 0;
  rd_kafka_topic_partition_list_t *assignment = rd_kafka_topic_partition_list_new(partitions);
  for (int p = 0; p < partitions; p++) {
    int64_t lo = 0, hi = 0;
    rd_kafka_resp_err_t e = rd_kafka_query_watermark_offsets(rk, topic, p, &lo, &hi, 10000);
    if (e) {
      fprintf(stderr, "watermarks of %s-%d: %s\n", topic, p, rd_kafka_err2str(e));
      return 1;
    }
    high[p] = hi;
    next[p] = lo;
    expected += hi - lo;
    if (hi > lo) pending++;
    rd_kafka_topic_partition_list_add(assignment, topic, p)->offset = lo;
  }

  int64_t start = now_ns(), last = start, last_progress = start;
  rd_kafka_resp_err_t e = rd_kafka_assign(rk, assignment);
  if (e) {
    fprintf(stderr, "assign: %s\n", rd_kafka_err2str(e));
    return 1;
  }
  rd_kafka_queue_t *queue = rd_kafka_queue_get_consumer(rk);
  rd_kafka_message_t **msgs = malloc(sizeof(*msgs) * BATCH);
  long records = 0, bytes = 0, errors = 0;
  while (pending > 0) {
    /* A batch call returns when BATCH records are there or the timeout passed: keep the timeout short so the
     * last, partial batch adds at most ~10 ms to the measured time. */
    ssize_t n = rd_kafka_consume_batch_queue(queue, 10, msgs, BATCH);
    int64_t now = now_ns();
    if (n <= 0) {
      if (now - last_progress > IDLE_TIMEOUT_NS) {
        fprintf(stderr, "no progress for 30 s: %ld of %ld records\n", records, expected);
        break;
      }
      continue;
    }
    last_progress = now;
    for (ssize_t i = 0; i < n; i++) {
      rd_kafka_message_t *m = msgs[i];
      if (m->err) {
        if (errors++ < 5) fprintf(stderr, "consume error: %s\n", rd_kafka_message_errstr(m));
      } else if (m->partition >= 0 && m->partition < partitions && m->offset >= next[m->partition]) {
        records++;
        bytes += (long)m->len;
        next[m->partition] = m->offset + 1;
        if (next[m->partition] == high[m->partition]) {
          pending--;
          last = now;
        }
      }
      rd_kafka_message_destroy(m);
    }
  }
  double seconds = (last - start) / 1e9;
  printf("{\"records\":%ld,\"expected\":%ld,\"bytes\":%ld,\"seconds\":%.6f,\"partitions\":%d,\"errors\":%ld,\"librdkafka\":\"%s\"}\n",
         records, expected, bytes, seconds, partitions, errors, rd_kafka_version_str());
  fflush(stdout);
  rd_kafka_queue_destroy(queue);
  rd_kafka_topic_partition_list_destroy(assignment);
  rd_kafka_assign(rk, NULL);
  rd_kafka_consumer_close(rk);
  rd_kafka_destroy(rk);
  return records == expected ? 0 : 1;
}
