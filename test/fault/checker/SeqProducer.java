// A Java (kafka-clients 4.4.0) producer for the fault checker: producer defaults (acks=all, idempotence on,
// max.in.flight 5), sequenced values "<name>:<seq>" to random partitions at a steady rate until stdin closes,
// then flush and close. One line per event on stdout:
//   S <partition> <value>                      handed to send()
//   A <partition> <offset> <value>             acknowledged (send callback without exception)
//   F <value> <exception>: <message>           failed (callback with exception, or send() threw)
//   FLUSHED / CLOSED                           after flush() / close()
// Usage: SeqProducer <bootstrap> <topic> <name> <partitions> <records/s> <seed> [key=value ...]
import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import java.util.Random;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

public class SeqProducer {
    private static volatile boolean stop = false;

    public static void main(String[] args) throws Exception {
        String bootstrap = args[0];
        String topic = args[1];
        String name = args[2];
        int partitions = Integer.parseInt(args[3]);
        int rate = Integer.parseInt(args[4]);
        long seed = Long.parseLong(args[5]);
        Properties props = new Properties();
        props.put("bootstrap.servers", bootstrap);
        props.put("key.serializer", StringSerializer.class.getName());
        props.put("value.serializer", StringSerializer.class.getName());
        props.put("client.id", name);
        for (int i = 6; i < args.length; i++) {
            int eq = args[i].indexOf('=');
            props.put(args[i].substring(0, eq), args[i].substring(eq + 1));
        }
        PrintStream out = new PrintStream(new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 16), false, StandardCharsets.UTF_8);
        Thread stdin = new Thread(() -> {
            try {
                while (System.in.read() >= 0) { }
            } catch (Exception e) {
                // treat as closed
            }
            stop = true;
        });
        stdin.setDaemon(true);
        stdin.start();

        Random rnd = new Random(seed);
        KafkaProducer<String, String> producer = new KafkaProducer<>(props);
        long start = System.nanoTime();
        long seq = 0;
        long lastFlush = System.nanoTime();
        while (!stop) {
            int partition = rnd.nextInt(partitions);
            String value = String.format("%s:%08d", name, seq);
            synchronized (out) {
                out.println("S " + partition + " " + value);
            }
            try {
                producer.send(new ProducerRecord<>(topic, partition, null, value), (md, ex) -> {
                    synchronized (out) {
                        if (ex == null) out.println("A " + md.partition() + " " + md.offset() + " " + value);
                        else out.println("F " + value + " " + ex.getClass().getSimpleName() + ": " + String.valueOf(ex.getMessage()).replace('\n', ' '));
                    }
                });
            } catch (Exception ex) {
                synchronized (out) {
                    out.println("F " + value + " " + ex.getClass().getSimpleName() + ": " + String.valueOf(ex.getMessage()).replace('\n', ' '));
                }
            }
            seq++;
            long now = System.nanoTime();
            if (now - lastFlush > 20_000_000L) {
                synchronized (out) {
                    out.flush();
                }
                lastFlush = now;
            }
            long due = start + seq * 1_000_000_000L / rate;
            if (due > now) Thread.sleep((due - now) / 1_000_000, (int) ((due - now) % 1_000_000));
        }
        producer.flush();
        synchronized (out) {
            out.println("FLUSHED");
            out.flush();
        }
        producer.close();
        synchronized (out) {
            out.println("CLOSED");
            out.flush();
        }
    }
}
