package dev.cogo.neo4j;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import org.neo4j.configuration.GraphDatabaseInternalSettings;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.ConnectorPortRegister;
import org.neo4j.configuration.connectors.ConnectorType;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.connectors.HttpsConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.graphdb.QueryExecutionException;
import org.neo4j.graphdb.config.Setting;
import org.neo4j.io.ByteUnit;
import org.neo4j.kernel.internal.GraphDatabaseAPI;
import org.neo4j.server.CommunityBootstrapper;

/**
 * Runs a real Neo4j Community DBMS inside this JVM so COGO gets a Bolt endpoint without
 * Docker or a Neo4j tarball. Protocol with the parent process: one READY line on stdout,
 * or one FAILED line on stderr and a non-zero exit; SIGTERM stops it cleanly with exit 0.
 */
public final class Launcher {
    private static final String USER = "neo4j";
    private static final String DEFAULT_PASSWORD = "cogo-dev-password";

    private static volatile DatabaseManagementService dbms;
    // Set when Neo4j runs with its HTTP server (--http): stopping it stops the web server and the DBMS.
    private static volatile CommunityBootstrapper server;
    private static volatile Path pidFile;
    // Read by the shutdown hook: a requested stop is a success, a failed start is not.
    private static volatile int exitStatus = 0;

    public static void main(String[] args) {
        Path home = Path.of(".cogo/neo4j");
        String bolt = "127.0.0.1:7687";
        String http = null;
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--home" -> home = Path.of(require(args[i], value));
                case "--bolt" -> bolt = require(args[i], value);
                case "--http" -> http = require(args[i], value);
                default -> fail(2, "unknown argument '" + args[i] + "'; usage: [--home DIR] [--bolt HOST:PORT] [--http HOST:PORT]");
            }
            i++;
        }
        String envPassword = System.getenv("NEO4J_PASSWORD");
        String password = envPassword == null || envPassword.isEmpty() ? DEFAULT_PASSWORD : envPassword;

        home = home.toAbsolutePath().normalize();
        InetSocketAddress boltAddr = parseLoopback("--bolt", bolt);
        InetSocketAddress httpAddr = http == null ? null : parseLoopback("--http", http);
        Path pid = home.resolve("launcher.pid");

        // Neo4j's own bind error is buried in a long cause chain; checking first gives a clear message.
        ensureFree("Bolt", boltAddr, pid);
        if (httpAddr != null) ensureFree("HTTP", httpAddr, pid);

        // Registered before start so a failed readiness check or an early SIGTERM still closes the store.
        Runtime.getRuntime().addShutdownHook(new Thread(Launcher::shutdown, "cogo-neo4j-shutdown"));

        try {
            Files.createDirectories(home);
            dbms = httpAddr == null
                    ? new DatabaseManagementServiceBuilder(home).setConfig(settings(boltAddr, null)).build()
                    : startWithHttpServer(home, settings(boltAddr, httpAddr));
        } catch (Throwable e) {
            fail(1, "Neo4j did not start (home " + home + "): " + rootMessage(e)
                    + ". Check " + home.resolve("logs/debug.log") + "; if another launcher uses this home, stop it first");
        }

        try {
            // Written only once the store lock is ours, so we never clobber a running launcher's pid file.
            Files.writeString(pid, ProcessHandle.current().pid() + "\n");
            pidFile = pid;
            try {
                applyPassword(dbms.database(GraphDatabaseSettings.SYSTEM_DATABASE_NAME), password);
            } catch (RuntimeException e) {
                fail(1, "could not set the password of user " + USER + " from NEO4J_PASSWORD: " + rootMessage(e));
            }
            GraphDatabaseService db = dbms.database(GraphDatabaseSettings.DEFAULT_DATABASE_NAME);
            db.executeTransactionally("RETURN 1");
            int port = boundBoltPort((GraphDatabaseAPI) db, boltAddr.getPort());
            boltHandshake(new InetSocketAddress(boltAddr.getAddress(), port));

            System.out.println("COGO_NEO4J_READY bolt://" + hostForUri(boltAddr) + ":" + port);
            System.out.flush();
            long ms = ManagementFactory.getRuntimeMXBean().getUptime();
            System.err.println("cogo-neo4j: ready in " + ms + " ms, pid " + ProcessHandle.current().pid() + ", home " + home
                    + (httpAddr == null ? "" : ", http://" + hostForUri(httpAddr) + ":" + httpAddr.getPort()));
        } catch (Throwable e) {
            fail(1, "Neo4j started but is not usable: " + rootMessage(e) + ". Check " + home.resolve("logs/debug.log"));
        }

        // All real work happens on Neo4j's threads; main only has to stay alive until a signal arrives.
        try {
            Thread.currentThread().join();
        } catch (InterruptedException ignored) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The embedded builder starts no web server; Neo4j's own bootstrapper does, with the Browser module serving
     * the neo4j-browser jar at /browser/. It takes settings by name, as neo4j.conf would.
     */
    private static DatabaseManagementService startWithHttpServer(Path home, Map<Setting<?>, Object> settings) {
        var byName = new HashMap<String, String>();
        settings.forEach((setting, value) -> byName.put(setting.name(), String.valueOf(value)));
        var bootstrapper = new CommunityBootstrapper();
        int status = bootstrapper.start(home, byName);
        if (status != 0) throw new IllegalStateException("Neo4j's server bootstrapper exited with status " + status + "; see " + home.resolve("logs/neo4j.log"));
        server = bootstrapper;
        return bootstrapper.getDatabaseManagementService();
    }

    private static Map<Setting<?>, Object> settings(InetSocketAddress bolt, InetSocketAddress http) {
        var s = new HashMap<Setting<?>, Object>();
        // Anything not explicitly bound elsewhere must stay on loopback as well.
        s.put(GraphDatabaseSettings.default_listen_address, new SocketAddress(bolt.getHostString()));
        s.put(BoltConnector.enabled, true);
        s.put(BoltConnector.listen_address, new SocketAddress(bolt.getHostString(), bolt.getPort()));
        s.put(BoltConnector.advertised_address, new SocketAddress(bolt.getHostString(), bolt.getPort()));
        // The HTTP connector defaults to on in Neo4j; COGO only wants it on request.
        s.put(HttpConnector.enabled, http != null);
        if (http != null) {
            s.put(HttpConnector.listen_address, new SocketAddress(http.getHostString(), http.getPort()));
            s.put(HttpConnector.advertised_address, new SocketAddress(http.getHostString(), http.getPort()));
        }
        s.put(HttpsConnector.enabled, false);
        s.put(GraphDatabaseSettings.auth_enabled, true);
        // A dev/test graph: keep the footprint small instead of Neo4j's "use the machine" defaults.
        s.put(GraphDatabaseSettings.pagecache_memory, ByteUnit.mebiBytes(128));
        s.put(GraphDatabaseSettings.keep_logical_logs, "2 files");
        s.put(GraphDatabaseSettings.logical_log_rotation_threshold, ByteUnit.mebiBytes(16));
        // Preallocation would reserve a full rotation-sized file up front for every tx log.
        s.put(GraphDatabaseSettings.preallocate_logical_logs, false);
        // No phoning home from dev machines and CI (and no network to reach it anyway).
        s.put(GraphDatabaseSettings.udc_enabled, false);
        // Netty waits this many seconds of quiet per event loop group on stop (default 5 -> ~10 s per stop);
        // Neo4j has already closed every Bolt connection by then, so there is nothing left to wait for.
        s.put(GraphDatabaseInternalSettings.netty_server_shutdown_quiet_period, 0);
        return s;
    }

    /** Makes NEO4J_PASSWORD the truth on every start, including the very first one. */
    private static void applyPassword(GraphDatabaseService system, String password) {
        try {
            system.executeTransactionally(
                    "ALTER USER " + USER + " SET PASSWORD $pw CHANGE NOT REQUIRED", Map.of("pw", password));
        } catch (QueryExecutionException e) {
            // Neo4j refuses to "change" a password to its current value. Since this launcher always stores
            // it with CHANGE NOT REQUIRED, "same password" means the user is already as we want it;
            // skipping a second ALTER here saves ~1 s of Cypher planning on every restart.
            if (!String.valueOf(e.getMessage()).contains("cannot be the same")) throw e;
        }
    }

    /** With --bolt HOST:0 Neo4j picks the port; the READY line must carry the real one. */
    private static int boundBoltPort(GraphDatabaseAPI db, int requested) {
        if (requested != 0) return requested;
        return db.getDependencyResolver().resolveDependency(ConnectorPortRegister.class)
                .getLocalAddress(ConnectorType.BOLT).getPort();
    }

    /** Proves a client can really talk Bolt, not just that something listens on the port. */
    private static void boltHandshake(InetSocketAddress addr) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(addr, 5_000);
            socket.setSoTimeout(5_000);
            OutputStream out = socket.getOutputStream();
            // Magic preamble, then four version proposals: 5.x with range 4 (5.0-5.4), 4.4, none, none.
            out.write(new byte[] {
                (byte) 0x60, (byte) 0x60, (byte) 0xB0, (byte) 0x17,
                0, 4, 4, 5, 0, 0, 4, 4, 0, 0, 0, 0, 0, 0, 0, 0});
            out.flush();
            int agreed = new DataInputStream(socket.getInputStream()).readInt();
            if (agreed == 0) throw new IOException("Bolt handshake on " + addr + " agreed no protocol version");
        }
    }

    private static void ensureFree(String what, InetSocketAddress addr, Path pid) {
        try (ServerSocket probe = new ServerSocket()) {
            probe.bind(addr);
        } catch (IOException e) {
            String hint = Files.exists(pid) ? "; " + pid + " suggests a launcher (pid " + readPid(pid) + ") may still run: kill -TERM it" : "";
            fail(1, what + " address " + addr.getHostString() + ":" + addr.getPort() + " is not available (" + e.getMessage()
                    + "). Stop whatever listens there or pass another port" + hint);
        }
    }

    private static InetSocketAddress parseLoopback(String flag, String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        if (colon <= 0) fail(2, flag + " expects HOST:PORT, got '" + hostPort + "'");
        String host = hostPort.substring(0, colon).replace("[", "").replace("]", "");
        int port;
        InetAddress ip;
        try {
            port = Integer.parseInt(hostPort.substring(colon + 1));
            ip = InetAddress.getByName(host);
        } catch (NumberFormatException | IOException e) {
            fail(2, flag + " expects HOST:PORT, got '" + hostPort + "'");
            return null;
        }
        if (port < 0 || port > 65535) fail(2, flag + " port out of range: " + port);
        // Auth is on, but this is a dev database with a well-known default password: never expose it.
        if (!ip.isLoopbackAddress()) fail(2, flag + " must be a loopback address (127.0.0.1, ::1, localhost), got '" + host + "'");
        return new InetSocketAddress(ip, port);
    }

    private static String hostForUri(InetSocketAddress addr) {
        // An IP, not "localhost": clients may resolve localhost to ::1 while we listen on 127.0.0.1.
        // The only IPv6 loopback is ::1, so print it compactly instead of 0:0:0:0:0:0:0:1.
        return addr.getAddress() instanceof Inet6Address ? "[::1]" : addr.getAddress().getHostAddress();
    }

    private static String require(String flag, String value) {
        if (value == null || value.startsWith("--")) fail(2, flag + " needs a value");
        return value;
    }

    private static String readPid(Path pid) {
        try {
            return Files.readString(pid).trim();
        } catch (IOException e) {
            return "?";
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) root = root.getCause();
        String msg = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        return root == e || msg.equals(e.getMessage()) ? msg : e.getMessage() + " (cause: " + msg + ")";
    }

    private static void fail(int status, String reason) {
        System.err.println("COGO_NEO4J_FAILED " + reason.replace('\n', ' '));
        System.err.flush();
        exitStatus = status;
        System.exit(status);
    }

    private static void shutdown() {
        DatabaseManagementService running = dbms;
        if (running != null) {
            long t0 = System.nanoTime();
            System.err.println("cogo-neo4j: stopping Neo4j");
            try {
                if (server != null) server.stop();
                else running.shutdown();
                System.err.println("cogo-neo4j: stopped in " + (System.nanoTime() - t0) / 1_000_000 + " ms");
            } catch (Throwable e) {
                System.err.println("cogo-neo4j: error during shutdown: " + rootMessage(e));
                if (exitStatus == 0) exitStatus = 1;
            }
        }
        Path pid = pidFile;
        if (pid != null) {
            try {
                Files.deleteIfExists(pid);
            } catch (IOException ignored) {
                // A stale pid file is harmless: the next start overwrites it.
            }
        }
        // After a signal the JVM would report 143/130; a clean requested stop should read as success.
        Runtime.getRuntime().halt(exitStatus);
    }
}
