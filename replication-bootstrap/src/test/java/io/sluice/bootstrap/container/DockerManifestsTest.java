package io.sluice.bootstrap.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigResolveOptions;
import io.sluice.bootstrap.identity.InstanceName;
import io.sluice.bootstrap.identity.Role;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Docker is not available where the build runs, so docker/ (compose.yaml, the Kubernetes
 * manifests and both routing.conf files) is checked statically against the code it configures:
 * the environment variables BootstrapEnv reads, the hostname rule of InstanceName, and the keys
 * the proxy's config loader accepts. A rename on either side fails here instead of in a cluster.
 */
class DockerManifestsTest {
  private static final Path DOCKER = locateDockerDir();
  private static final Path K8S = DOCKER.resolve("k8s");
  private static final Set<String> ROLES = Set.of("master", "relay", "slave");

  // The keys io.sluice.server.config.ConfigLoader allows (proxy-server is not a dependency of
  // this module); a key added there without being listed here is caught by neither side, one
  // used here but unknown there fails this test.
  private static final Set<String> SLUICE_KEYS =
      Set.of("listen", "admin", "metrics", "users", "backends", "monitor", "pool", "tls", "backend-tls");
  private static final Set<String> BACKENDS_KEYS = Set.of("master", "relays", "relays-serve-reads", "slaves");
  private static final Set<String> BACKEND_KEYS = Set.of("name", "address", "weight");
  private static final Set<String> USER_KEYS = Set.of("name", "password", "auth-plugin", "max-connections");
  private static final Map<String, Set<String>> SECTION_KEYS = Map.of(
      "admin", Set.of("listen", "user", "password"),
      "metrics", Set.of("listen"),
      "monitor", Set.of("user", "password", "interval", "timeout", "max-replica-lag"),
      "pool", Set.of("max-connections", "idle-timeout", "connect-timeout"),
      "tls", Set.of("enabled", "cert", "key"),
      "backend-tls", Set.of("mode", "ca"));

  // ---- parsing ----

  @Test
  void everyYamlFileUnderDockerParses() throws IOException {
    List<Path> files;
    try (Stream<Path> s = Files.walk(DOCKER)) {
      files = s.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml")).sorted().toList();
    }
    assertTrue(files.contains(DOCKER.resolve("compose.yaml")), "docker/compose.yaml exists");
    assertTrue(files.size() >= 6, "compose.yaml and the Kubernetes manifests: " + files);
    for (Path f : files) {
      List<Map<String, Object>> docs = documents(f);
      assertFalse(docs.isEmpty(), f + " holds at least one document");
    }
  }

  @Test
  void everyKubernetesDocumentHasApiVersionKindAndName() {
    for (Map.Entry<Path, Map<String, Object>> e : k8sDocuments()) {
      Map<String, Object> d = e.getValue();
      assertNotNull(d.get("apiVersion"), e.getKey() + ": apiVersion");
      assertNotNull(d.get("kind"), e.getKey() + ": kind");
      assertNotNull(map(d, "metadata").get("name"), e.getKey() + ": metadata.name");
    }
  }

  // ---- environment variables ----

  @Test
  void composeMysqlServicesSetOnlyVariablesBootstrapEnvReads() {
    Set<String> known = bootstrapEnvNames();
    mysqlServices().forEach((name, service) -> {
      for (String var : env(service).keySet()) {
        assertTrue(known.contains(var) || overrideVariable(var),
            "compose service " + name + " sets " + var + ", which BootstrapEnv does not read; known: " + known);
      }
    });
  }

  @Test
  void kubernetesMysqlContainersSetOnlyVariablesBootstrapEnvReads() {
    Set<String> known = bootstrapEnvNames();
    for (Map<String, Object> set : statefulSets()) {
      for (String var : k8sEnv(mysqlContainer(set)).keySet()) {
        assertTrue(known.contains(var) || overrideVariable(var),
            "StatefulSet " + name(set) + " sets " + var + ", which BootstrapEnv does not read; known: " + known);
      }
    }
  }

  @Test
  void everyMysqlNodeHasARoleARootPasswordAndTheReplicationPassword() {
    List<Map<String, String>> envs = new ArrayList<>(mysqlServices().values().stream().map(DockerManifestsTest::env).toList());
    statefulSets().forEach(s -> envs.add(k8sEnv(mysqlContainer(s))));
    for (Map<String, String> env : envs) {
      assertTrue(ROLES.contains(env.get(BootstrapEnv.ROLE)), BootstrapEnv.ROLE + " is master|relay|slave: " + env);
      assertTrue(env.containsKey(BootstrapEnv.ROOT_PASSWORD), "every node needs the shared root password: " + env);
      assertTrue(env.containsKey(BootstrapEnv.REPLICATION_PASSWORD), "register needs it on every node: " + env);
    }
  }

  @Test
  void composeServiceHostnamesGiveTheRoleAndOrdinalTheirNamesPromise() {
    Set<Long> serverIds = new HashSet<>();
    mysqlServices().forEach((name, service) -> {
      assertEquals(name, service.get("hostname"), name + ": hostname must be set, and equal to the service name"
          + " that routing.conf and the replicas' MYSQL_*_HOST use");
      Role role = role(env(service).get(BootstrapEnv.ROLE));
      InstanceName fromHost = InstanceName.fromHostname(name, role);
      InstanceName fromName = InstanceName.parse(name);
      assertEquals(fromName.role(), role, name + ": MYSQL_ROLE agrees with the role word in the name");
      assertEquals(fromName.ordinal(), fromHost.ordinal(), name);
      assertTrue(serverIds.add(fromHost.serverId()), name + ": server_id " + fromHost.serverId() + " is unique");
    });
    assertEquals(Set.of(1L, 101L, 1001L, 1002L), serverIds);
  }

  @Test
  void statefulSetPodNamesGiveTheRoleAndOrdinalOfTheirMysqlRole() {
    Set<Long> serverIds = new HashSet<>();
    for (Map<String, Object> set : statefulSets()) {
      Role role = role(k8sEnv(mysqlContainer(set)).get(BootstrapEnv.ROLE));
      int replicas = ((Number) map(set, "spec").get("replicas")).intValue();
      for (int n = 0; n < replicas; n++) {
        String pod = name(set) + "-" + n;
        InstanceName instance = InstanceName.fromHostname(pod, role);
        assertEquals(n, instance.ordinal(), pod);
        assertEquals(role, InstanceName.parse(pod).role(), pod + ": MYSQL_ROLE agrees with the set's name");
        assertTrue(serverIds.add(instance.serverId()), pod + ": server_id " + instance.serverId() + " is unique");
      }
    }
    assertEquals(Set.of(1L, 101L, 1001L, 1002L), serverIds);
  }

  // ---- addresses ----

  @Test
  void composeRoutingConfAndSourceHostsNameComposeServicesOnTheirExposedPorts() {
    Map<String, Map<String, Object>> services = mysqlServices();
    Map<String, Set<Integer>> ports = new HashMap<>();
    services.forEach((name, s) -> ports.put(name, exposedPorts(name, s)));
    Config routing = routing(DOCKER.resolve("routing.conf"));
    assertEquals(Set.copyOf(services.keySet()), Set.copyOf(backendAddresses(routing).keySet()),
        "docker/routing.conf lists exactly the compose MySQL services");
    backendAddresses(routing).forEach((host, port) ->
        assertTrue(ports.get(host).contains(port), host + ":" + port + " is an exposed port of " + host));
    services.forEach((name, s) -> sourceAddresses(env(s)).forEach((host, port) -> {
      assertTrue(ports.containsKey(host), name + ": source host " + host + " is a compose service");
      assertTrue(ports.get(host).contains(port), name + ": " + host + ":" + port + " is exposed there");
    }));
    Map<String, Object> compose = documents(DOCKER.resolve("compose.yaml")).get(0);
    Map<String, Object> sluice = map(map(compose, "services"), "sluice");
    assertTrue(list(sluice, "volumes").contains("./routing.conf:/etc/sluice/routing.conf:ro"),
        "the sluice service mounts docker/routing.conf where the proxy image reads it");
    assertTrue(exposedPorts("sluice", sluice).contains(listenPort(routing)), "sluice exposes its listen port");
  }

  @Test
  void kubernetesRoutingConfAndSourceHostsNamePodsOfHeadlessServicesOnTheirContainerPorts() {
    Map<String, Map<String, Object>> sets = new HashMap<>();
    statefulSets().forEach(s -> sets.put(name(s), s));
    Map<String, Map<String, Object>> services = new HashMap<>();
    kinds("Service").forEach(s -> services.put(name(s), s));
    Config routing = routing(configMapRoutingConf());
    Map<String, Integer> addresses = new LinkedHashMap<>(backendAddresses(routing));
    statefulSets().forEach(s -> addresses.putAll(sourceAddresses(k8sEnv(mysqlContainer(s)))));
    Set<String> pods = new TreeSet<>();
    addresses.forEach((host, port) -> {
      // <pod>.<service>: the DNS name a headless Service gives each pod of its StatefulSet.
      String[] labels = host.split("\\.", 2);
      assertEquals(2, labels.length, host + " is <pod>.<headless service>");
      String serviceName = labels[1];
      Map<String, Object> service = services.get(serviceName);
      assertNotNull(service, host + ": Service " + serviceName + " exists");
      Map<String, Object> spec = map(service, "spec");
      assertEquals("None", spec.get("clusterIP"), serviceName + " is headless");
      Map<String, Object> set = sets.get(serviceName);
      assertNotNull(set, host + ": StatefulSet " + serviceName + " exists");
      assertEquals(serviceName, map(set, "spec").get("serviceName"), "the set's pods get DNS names from " + serviceName);
      assertEquals(map(map(set, "spec"), "selector").get("matchLabels"), spec.get("selector"),
          serviceName + " selects the set's pods");
      String pod = labels[0];
      assertTrue(pod.startsWith(serviceName + "-"), host + ": the pod belongs to " + serviceName);
      long ordinal = Long.parseLong(pod.substring(serviceName.length() + 1));
      assertTrue(ordinal < ((Number) map(set, "spec").get("replicas")).intValue(), pod + " exists at the set's size");
      Map<String, Object> containerPort = containerPort(mysqlContainer(set), port);
      assertNotNull(containerPort, host + ":" + port + " is a containerPort of " + serviceName);
      boolean servicePort = list(spec, "ports").stream().map(p -> (Map<?, ?>) p)
          .anyMatch(p -> ((Number) p.get("port")).intValue() == port
              && (Integer.valueOf(port).equals(p.get("targetPort")) || containerPort.get("name").equals(p.get("targetPort"))));
      assertTrue(servicePort, serviceName + " serves port " + port + " onto the container's port");
      pods.add(pod);
    });
    assertEquals(Set.of("mysql-master-0", "mysql-relay-0", "mysql-slave-0", "mysql-slave-1"), pods);
  }

  @Test
  void kubernetesSluiceDeploymentMountsTheConfigMapAndServesItsListenPort() {
    Map<String, Object> deployment = kinds("Deployment").stream().filter(d -> name(d).equals("sluice")).findFirst()
        .orElseThrow(() -> new AssertionError("Deployment sluice"));
    Map<String, Object> pod = map(map(deployment, "spec"), "template");
    Map<String, Object> container = containers(pod).get(0);
    assertEquals(List.of("proxy", "--config", "/etc/sluice/routing.conf"), container.get("args"));
    Map<?, ?> mount = list(container, "volumeMounts").stream().map(m -> (Map<?, ?>) m)
        .filter(m -> "/etc/sluice".equals(m.get("mountPath"))).findFirst().orElseThrow();
    Map<?, ?> volume = list(map(pod, "spec"), "volumes").stream().map(v -> (Map<?, ?>) v)
        .filter(v -> mount.get("name").equals(v.get("name"))).findFirst().orElseThrow();
    String configMap = (String) ((Map<?, ?>) volume.get("configMap")).get("name");
    assertTrue(kinds("ConfigMap").stream().anyMatch(c -> name(c).equals(configMap)), "ConfigMap " + configMap);
    int listen = listenPort(routing(configMapRoutingConf()));
    assertNotNull(containerPort(container, listen), "the proxy container exposes " + listen);
    Map<String, Object> service = kinds("Service").stream().filter(s -> name(s).equals("sluice")).findFirst().orElseThrow();
    assertTrue(list(map(service, "spec"), "ports").stream().map(p -> (Map<?, ?>) p)
        .anyMatch(p -> "mysql".equals(p.get("targetPort")) || Integer.valueOf(listen).equals(p.get("targetPort"))));
  }

  @Test
  void everySecretReferenceNamesAKeyOfTheSecret() {
    Map<String, Set<String>> secrets = new HashMap<>();
    kinds("Secret").forEach(s -> secrets.put(name(s), map(s, "stringData").keySet()));
    List<Map<String, Object>> containers = new ArrayList<>();
    statefulSets().forEach(s -> containers.addAll(containers(map(map(s, "spec"), "template"))));
    kinds("Deployment").forEach(d -> containers.addAll(containers(map(map(d, "spec"), "template"))));
    for (Map<String, Object> c : containers) {
      for (Object o : list(c, "env")) {
        Map<?, ?> e = (Map<?, ?>) o;
        if (e.get("valueFrom") instanceof Map<?, ?> from && from.get("secretKeyRef") instanceof Map<?, ?> ref) {
          assertTrue(secrets.getOrDefault(ref.get("name"), Set.of()).contains(ref.get("key")),
              e.get("name") + " refers to " + ref + ", which the Secret does not hold");
        }
      }
    }
  }

  // ---- readiness ----

  @Test
  void mysqlReadinessChecksReplicationWithSluiceBootstrapCheck() {
    for (Map<String, Object> set : statefulSets()) {
      Map<?, ?> exec = (Map<?, ?>) map(mysqlContainer(set), "readinessProbe").get("exec");
      assertNotNull(exec, name(set) + ": an exec readiness probe");
      assertEquals(List.of("sluice", "bootstrap", "check"), ((List<?>) exec.get("command")).subList(0, 3), name(set));
    }
    mysqlServices().forEach((name, s) -> assertEquals(List.of("CMD", "sluice", "bootstrap", "check"),
        list(map(s, "healthcheck"), "test").subList(0, 4), name));
  }

  // ---- routing.conf ----

  @Test
  void bothRoutingConfsUseOnlyKeysTheProxyLoaderAllows() {
    for (Config c : List.of(routing(DOCKER.resolve("routing.conf")), routing(configMapRoutingConf()))) {
      Config sluice = c.getConfig("sluice");
      assertSubset(sluice.root().keySet(), SLUICE_KEYS, "sluice");
      assertSubset(sluice.getConfig("backends").root().keySet(), BACKENDS_KEYS, "sluice.backends");
      for (ConfigObject u : sluice.getObjectList("users")) {
        assertSubset(u.keySet(), USER_KEYS, "sluice.users[]");
      }
      Config backends = sluice.getConfig("backends");
      assertSubset(backends.getConfig("master").root().keySet(), BACKEND_KEYS, "sluice.backends.master");
      for (String list : List.of("relays", "slaves")) {
        for (ConfigObject b : backends.getObjectList(list)) {
          assertSubset(b.keySet(), BACKEND_KEYS, "sluice.backends." + list + "[]");
        }
      }
      SECTION_KEYS.forEach((section, keys) -> {
        if (sluice.hasPath(section)) {
          assertSubset(sluice.getConfig(section).root().keySet(), keys, "sluice." + section);
        }
      });
      assertTrue(sluice.getString("listen").startsWith("0.0.0.0:"), "in a container the proxy listens on all interfaces");
    }
  }

  @Test
  void composeAndKubernetesRoutingConfsDifferOnlyInBackendHostNames() {
    // The ConfigMap is the compose routing.conf with <pod>.<service> addresses; anything else
    // drifting apart (users, pool, monitor, TLS) is a mistake in one of them.
    Config compose = routing(DOCKER.resolve("routing.conf")).getConfig("sluice");
    Config k8s = routing(configMapRoutingConf()).getConfig("sluice");
    assertEquals(compose.withoutPath("backends"), k8s.withoutPath("backends"));
    assertEquals(new ArrayList<>(backendAddresses(compose.atKey("sluice")).keySet()),
        backendAddresses(k8s.atKey("sluice")).keySet().stream().map(h -> h.substring(0, h.indexOf('.'))).toList());
  }

  // ---- helpers ----

  private static Path locateDockerDir() {
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.isRegularFile(p.resolve("docker/compose.yaml"))) {
        return p.resolve("docker");
      }
    }
    throw new IllegalStateException("no docker/compose.yaml above " + Path.of("").toAbsolutePath());
  }

  /** Every public static final String of BootstrapEnv whose value is a variable name. */
  private static Set<String> bootstrapEnvNames() {
    Set<String> names = new TreeSet<>();
    for (Field f : BootstrapEnv.class.getFields()) {
      int m = f.getModifiers();
      if (Modifier.isStatic(m) && Modifier.isFinal(m) && f.getType() == String.class && !f.getName().startsWith("DEFAULT_")) {
        try {
          names.add((String) f.get(null));
        } catch (IllegalAccessException e) {
          throw new AssertionError(e);
        }
      }
    }
    names.remove(BootstrapEnv.MYSQLD_OVERRIDE_PREFIX);
    return names;
  }

  private static boolean overrideVariable(String name) {
    return name.startsWith(BootstrapEnv.MYSQLD_OVERRIDE_PREFIX) && name.length() > BootstrapEnv.MYSQLD_OVERRIDE_PREFIX.length();
  }

  private static Role role(String word) {
    return Role.fromWord(word).orElseThrow(() -> new AssertionError("MYSQL_ROLE=" + word));
  }

  private static Map<String, Integer> sourceAddresses(Map<String, String> env) {
    Map<String, Integer> out = new LinkedHashMap<>();
    if (!"master".equals(env.get(BootstrapEnv.ROLE))) {
      out.put(env.getOrDefault(BootstrapEnv.MASTER_HOST, BootstrapEnv.DEFAULT_MASTER_HOST),
          Integer.parseInt(env.getOrDefault(BootstrapEnv.MASTER_PORT, String.valueOf(BootstrapEnv.DEFAULT_PORT))));
    }
    if (env.containsKey(BootstrapEnv.RELAY_HOST)) {
      out.put(env.get(BootstrapEnv.RELAY_HOST),
          Integer.parseInt(env.getOrDefault(BootstrapEnv.RELAY_PORT, String.valueOf(BootstrapEnv.DEFAULT_PORT))));
    }
    return out;
  }

  /** host -> port of master, relays and slaves, in that order. */
  private static Map<String, Integer> backendAddresses(Config routing) {
    Config b = routing.getConfig("sluice.backends");
    List<String> addresses = new ArrayList<>();
    addresses.add(b.getString("master.address"));
    for (String list : List.of("relays", "slaves")) {
      if (b.hasPath(list)) {
        b.getConfigList(list).forEach(c -> addresses.add(c.getString("address")));
      }
    }
    Map<String, Integer> out = new LinkedHashMap<>();
    for (String a : addresses) {
      int colon = a.lastIndexOf(':');
      assertTrue(colon > 0, a + " is host:port");
      assertEquals(null, out.put(a.substring(0, colon), Integer.parseInt(a.substring(colon + 1))), a + " is listed once");
    }
    return out;
  }

  private static int listenPort(Config routing) {
    String listen = routing.getString("sluice.listen");
    return Integer.parseInt(listen.substring(listen.lastIndexOf(':') + 1));
  }

  /** Parsed and resolved as the proxy does: ${?VAR} substitutions may stay unset. */
  private static Config routing(Path file) {
    return ConfigFactory.parseFile(file.toFile(), ConfigParseOptions.defaults().setAllowMissing(false))
        .resolve(ConfigResolveOptions.defaults());
  }

  private static Config routing(String text) {
    return ConfigFactory.parseString(text).resolve(ConfigResolveOptions.defaults());
  }

  private static String configMapRoutingConf() {
    List<Map<String, Object>> maps = kinds("ConfigMap");
    assertEquals(1, maps.size(), "one ConfigMap");
    Object conf = map(maps.get(0), "data").get("routing.conf");
    assertTrue(conf instanceof String, "the ConfigMap holds routing.conf");
    return (String) conf;
  }

  private static Map<String, Map<String, Object>> mysqlServices() {
    Map<String, Object> services = map(documents(DOCKER.resolve("compose.yaml")).get(0), "services");
    Map<String, Map<String, Object>> out = new LinkedHashMap<>();
    services.forEach((name, s) -> {
      Map<String, Object> service = asMap(s);
      if (service.get("image") instanceof String image && image.startsWith("sluice/mysql")) {
        out.put(name, service);
      }
    });
    assertEquals(4, out.size(), "master, relay and two slaves: " + out.keySet());
    return out;
  }

  private static Map<String, String> env(Map<String, Object> service) {
    Map<String, String> env = new LinkedHashMap<>();
    map(service, "environment").forEach((k, v) -> env.put(k, String.valueOf(v)));
    return env;
  }

  private static Set<Integer> exposedPorts(String name, Map<String, Object> service) {
    Object expose = service.get("expose");
    assertTrue(expose instanceof List<?>, name + ": expose lists its container ports");
    Set<Integer> ports = new HashSet<>();
    ((List<?>) expose).forEach(p -> ports.add(Integer.parseInt(String.valueOf(p))));
    return ports;
  }

  private static List<Map.Entry<Path, Map<String, Object>>> k8sDocuments() {
    List<Map.Entry<Path, Map<String, Object>>> out = new ArrayList<>();
    try (Stream<Path> s = Files.list(K8S)) {
      for (Path f : s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
        documents(f).forEach(d -> out.add(Map.entry(f, d)));
      }
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    return out;
  }

  private static List<Map<String, Object>> kinds(String kind) {
    return k8sDocuments().stream().map(Map.Entry::getValue).filter(d -> kind.equals(d.get("kind"))).toList();
  }

  private static List<Map<String, Object>> statefulSets() {
    List<Map<String, Object>> sets = kinds("StatefulSet");
    assertEquals(3, sets.size(), "master, relay and slave StatefulSets");
    return sets;
  }

  private static List<Map<String, Object>> containers(Map<String, Object> podTemplate) {
    return list(map(podTemplate, "spec"), "containers").stream().map(DockerManifestsTest::asMap).toList();
  }

  private static Map<String, Object> mysqlContainer(Map<String, Object> set) {
    return containers(map(map(set, "spec"), "template")).stream().filter(c -> "mysql".equals(c.get("name")))
        .findFirst().orElseThrow(() -> new AssertionError(name(set) + " has a container named mysql"));
  }

  /** Literal values; a secretKeyRef counts as set (its value is the reference). */
  private static Map<String, String> k8sEnv(Map<String, Object> container) {
    Map<String, String> env = new LinkedHashMap<>();
    for (Object o : list(container, "env")) {
      Map<String, Object> e = asMap(o);
      env.put((String) e.get("name"), e.containsKey("value") ? String.valueOf(e.get("value")) : String.valueOf(e.get("valueFrom")));
    }
    return env;
  }

  private static Map<String, Object> containerPort(Map<String, Object> container, int port) {
    return list(container, "ports").stream().map(DockerManifestsTest::asMap)
        .filter(p -> ((Number) p.get("containerPort")).intValue() == port).findFirst().orElse(null);
  }

  private static String name(Map<String, Object> doc) {
    return (String) map(doc, "metadata").get("name");
  }

  private static void assertSubset(Set<String> keys, Set<String> allowed, String at) {
    Set<String> unknown = new TreeSet<>(keys);
    unknown.removeAll(allowed);
    assertTrue(unknown.isEmpty(), at + ": keys the proxy rejects: " + unknown + "; allowed: " + new TreeSet<>(allowed));
  }

  private static List<Map<String, Object>> documents(Path file) {
    Yaml yaml = new Yaml(new SafeConstructor(new LoaderOptions()));
    List<Map<String, Object>> docs = new ArrayList<>();
    try {
      for (Object d : yaml.loadAll(Files.readString(file))) {
        if (d != null) {
          docs.add(asMap(d));
        }
      }
    } catch (IOException | RuntimeException e) {
      fail(file + " does not parse: " + e.getMessage(), e);
    }
    return docs;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> asMap(Object o) {
    assertTrue(o instanceof Map<?, ?>, "a mapping: " + o);
    return (Map<String, Object>) o;
  }

  private static Map<String, Object> map(Map<String, Object> parent, String key) {
    Object v = parent.get(key);
    assertNotNull(v, key + " in " + parent.keySet());
    return asMap(v);
  }

  private static List<?> list(Map<String, Object> parent, String key) {
    Object v = parent.get(key);
    assertTrue(v instanceof List<?>, key + " is a list in " + parent.keySet());
    return (List<?>) v;
  }
}
