package ttdn.solr;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.solr.client.solrj.request.CollectionAdminRequest;
import org.apache.solr.cloud.MiniSolrCloudCluster;
import org.apache.solr.embedded.JettyConfig;
import org.apache.solr.embedded.JettySolrRunner;

/**
 * A SolrCloud on loopback for tests and for people trying the Solr engine: real Solr nodes and
 * an embedded ZooKeeper in this one JVM (Solr's own MiniSolrCloudCluster), the project's
 * configset uploaded, one collection of SHARDS x REPLICAS.
 *
 * <p>Usage: {@code LoopbackCluster CONFIGSET_DIR STATE_FILE [BASE_DIR]}. Settings by system
 * property: {@code ttdn.nodes} (2), {@code ttdn.shards} (2), {@code ttdn.replicas} (2),
 * {@code ttdn.collection} (ttdn), {@code ttdn.watchPid} (stop when that process ends). When every replica is active it writes STATE_FILE (key=value
 * lines: pid, nodes, control, search) and prints the same lines; SIGTERM shuts everything down.
 *
 * <p>A control port on loopback lets tests stop and restart one node while the others go on:
 * {@code POST /nodes/N/stop}, {@code POST /nodes/N/start} (N from 0), {@code GET /status}.
 */
public final class LoopbackCluster {

  private LoopbackCluster() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 2) {
      System.err.println("usage: LoopbackCluster CONFIGSET_DIR STATE_FILE [BASE_DIR]");
      System.exit(2);
    }
    Path configset = Path.of(args[0]).toAbsolutePath();
    Path stateFile = Path.of(args[1]).toAbsolutePath();
    Path baseDir = args.length > 2 ? Path.of(args[2]) : Files.createTempDirectory("ttdn-solr-");
    int nodes = Integer.getInteger("ttdn.nodes", 2);
    int shards = Integer.getInteger("ttdn.shards", 2);
    int replicas = Integer.getInteger("ttdn.replicas", 2);
    String collection = System.getProperty("ttdn.collection", "ttdn");
    if (!Files.isRegularFile(configset.resolve("conf/solrconfig.xml"))) {
      System.err.println("no conf/solrconfig.xml under " + configset);
      System.exit(2);
    }
    // Bind every node to loopback only: this is a cluster to try things on, not to expose.
    System.setProperty("host", "127.0.0.1");
    System.setProperty("solr.disableDefaultJmxReporter", "true");
    long started = System.nanoTime();
    JettyConfig jetty = JettyConfig.builder().setContext("/solr").stopAtShutdown(false).build();
    MiniSolrCloudCluster cluster = new MiniSolrCloudCluster(nodes, baseDir, jetty);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    Files.deleteIfExists(stateFile);
                    cluster.shutdown();
                  } catch (Exception e) {
                    System.err.println("shutdown: " + e);
                  } finally {
                    stopped.countDown();
                  }
                },
                "ttdn-solr-shutdown"));
    cluster.uploadConfigSet(configset.resolve("conf"), collection);
    CollectionAdminRequest.createCollection(collection, collection, shards, replicas)
        .process(cluster.getSolrClient());
    cluster.waitForActiveCollection(collection, 120, TimeUnit.SECONDS, shards, shards * replicas);
    HttpServer control = control(cluster);
    List<String> hosts = new ArrayList<>();
    List<String> urls = new ArrayList<>();
    for (JettySolrRunner node : cluster.getJettySolrRunners()) {
      hosts.add("127.0.0.1:" + node.getLocalPort());
      urls.add(node.getBaseUrl().toString());
    }
    String state =
        "pid=" + ProcessHandle.current().pid() + "\n"
            + "nodes=" + String.join(",", urls) + "\n"
            + "control=http://127.0.0.1:" + control.getAddress().getPort() + "\n"
            + "collection=" + collection + "\n"
            + "zk=" + cluster.getZkServer().getZkAddress() + "\n"
            + "startup_seconds="
            + String.format("%.1f", (System.nanoTime() - started) / 1e9) + "\n"
            + "search=solr+http://" + String.join(",", hosts) + "/solr/" + collection + "\n";
    // Written whole, then moved into place: a reader never sees half a state file.
    Path tmp = stateFile.resolveSibling(stateFile.getFileName() + ".tmp");
    Files.createDirectories(stateFile.toAbsolutePath().getParent());
    Files.writeString(tmp, state, StandardCharsets.UTF_8);
    Files.move(tmp, stateFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    System.out.print(state);
    System.out.flush();
    // A test session that dies without stopping the cluster must not leave it running.
    Long watched = Long.getLong("ttdn.watchPid");
    if (watched != null) {
      ProcessHandle.of(watched)
          .ifPresentOrElse(
              parent -> parent.onExit().thenRun(() -> System.exit(0)), () -> System.exit(0));
    }
    stopped.await();
  }

  /** The loopback control port: stop or restart one node, list the nodes. */
  private static HttpServer control(MiniSolrCloudCluster cluster) throws IOException {
    // The nodes as started: the cluster's own list drops a node while it is stopped.
    List<JettySolrRunner> nodes = new ArrayList<>(cluster.getJettySolrRunners());
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/",
        exchange -> {
          try {
            String[] path = exchange.getRequestURI().getPath().split("/");
            if (path.length == 4 && path[1].equals("nodes")) {
              int n = Integer.parseInt(path[2]);
              JettySolrRunner node = nodes.get(n);
              if (path[3].equals("stop") && node.isRunning()) {
                cluster.stopJettySolrRunner(node);
                cluster.waitForJettyToStop(node);
              } else if (path[3].equals("start") && !node.isRunning()) {
                // The same port again, so clients' host lists stay right.
                cluster.startJettySolrRunner(node, true);
                cluster.waitForNode(node, 60);
              } else if (!path[3].equals("stop") && !path[3].equals("start")) {
                reply(exchange, 404, "unknown action " + path[3]);
                return;
              }
              reply(exchange, 200, "ok " + path[3] + " " + n + " " + node.getBaseUrl());
            } else if (path.length == 2 && path[1].equals("status")) {
              StringBuilder out = new StringBuilder();
              for (JettySolrRunner node : nodes) {
                out.append(node.getLocalPort()).append(node.isRunning() ? " running\n" : " stopped\n");
              }
              reply(exchange, 200, out.toString());
            } else {
              reply(exchange, 404, "use POST /nodes/N/stop, /nodes/N/start or GET /status");
            }
          } catch (Exception e) {
            reply(exchange, 500, e.toString());
          }
        });
    server.start();
    return server;
  }

  private static void reply(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = (body + "\n").getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }
}
