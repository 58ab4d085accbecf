// One Apache Kafka 4.4 Java consumer in a consumer group, in a process of its own (compiled by
// groups-java.test.ts against the cached Kafka jars).
//   java GroupMember <bootstrap> <group> <topic> <client.id> <classic|consumer> [k=v ...]
// Prints "<partition> <offset>" per record and {"assigned": [...]} / {"revoked": [...]} / {"lost": [...]} on
// rebalances. SIGTERM: wakeup(), then close() (final commit + leaving the group), exit 0.
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

public class GroupMember {
  static synchronized void out(String s) {
    System.out.println(s);
    System.out.flush();
  }

  static String partitions(Collection<TopicPartition> tps) {
    List<Integer> ps = new ArrayList<>();
    for (TopicPartition tp : tps) ps.add(tp.partition());
    ps.sort(null);
    return ps.toString();
  }

  public static void main(String[] args) throws Exception {
    Properties p = new Properties();
    p.put("bootstrap.servers", args[0]);
    p.put("group.id", args[1]);
    p.put("client.id", args[3]);
    p.put("group.protocol", args[4]);
    p.put("key.deserializer", ByteArrayDeserializer.class.getName());
    p.put("value.deserializer", ByteArrayDeserializer.class.getName());
    p.put("auto.offset.reset", "earliest");
    p.put("enable.auto.commit", "true");
    p.put("auto.commit.interval.ms", "500");
    p.put("fetch.max.wait.ms", "100");
    if (args[4].equals("classic")) {
      p.put("session.timeout.ms", "6000");
      p.put("heartbeat.interval.ms", "500");
    }
    for (int i = 5; i < args.length; i++) {
      int eq = args[i].indexOf('=');
      p.put(args[i].substring(0, eq), args[i].substring(eq + 1));
    }
    KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p);
    CountDownLatch closed = new CountDownLatch(1);
    Thread main = Thread.currentThread();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      consumer.wakeup();
      try {
        closed.await();
      } catch (InterruptedException e) {
        // exiting anyway
      }
    }));
    consumer.subscribe(List.of(args[2]), new ConsumerRebalanceListener() {
      public void onPartitionsAssigned(Collection<TopicPartition> tps) {
        out("{\"assigned\": " + partitions(tps) + "}");
      }

      public void onPartitionsRevoked(Collection<TopicPartition> tps) {
        out("{\"revoked\": " + partitions(tps) + "}");
      }

      public void onPartitionsLost(Collection<TopicPartition> tps) {
        out("{\"lost\": " + partitions(tps) + "}");
      }
    });
    try {
      while (true) {
        ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(100));
        if (records.isEmpty()) continue;
        StringBuilder sb = new StringBuilder();
        for (ConsumerRecord<byte[], byte[]> r : records) sb.append(r.partition()).append(' ').append(r.offset()).append('\n');
        synchronized (GroupMember.class) {
          System.out.print(sb);
          System.out.flush();
        }
      }
    } catch (WakeupException e) {
      // SIGTERM
    } finally {
      consumer.close();
      out("{\"closed\": true}");
      closed.countDown();
    }
  }
}
