package io.batchwise.app;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/**
 * The ACLs docs/OPERATIONS.md grants: its worked {@code kafka-acls.sh --add} commands, read as kafka-acls reads
 * them (each {@code --operation} for each resource), so the tests grant exactly what the docs list.
 */
final class DocumentedAcls {
  /** One documented command: the principal and the bindings it adds. */
  record Command(String principal, List<AclBinding> bindings) {
    /** The user name of the principal, e.g. "learner" for User:learner. */
    String user() {
      return principal.substring(principal.indexOf(':') + 1);
    }
  }

  private DocumentedAcls() {
  }

  static List<Command> read() throws IOException {
    String doc = Files.readString(repositoryRoot().resolve("docs").resolve("OPERATIONS.md"));
    String block = doc.substring(doc.indexOf("<!-- acls:begin -->"), doc.indexOf("<!-- acls:end -->"));
    List<Command> commands = new ArrayList<>();
    for (String line : block.replace("\\\n", " ").split("\n")) {
      String text = line.strip();
      if (text.startsWith("kafka-acls.sh ")) {
        commands.add(parse(text.split("\\s+")));
      }
    }
    if (commands.isEmpty()) {
      throw new IllegalStateException("no kafka-acls.sh command between the acls markers of docs/OPERATIONS.md");
    }
    return commands;
  }

  static List<AclBinding> all(List<Command> commands) {
    return commands.stream().flatMap(c -> c.bindings().stream()).toList();
  }

  private static Command parse(String[] words) {
    String principal = null;
    PatternType pattern = PatternType.LITERAL;
    List<AclOperation> operations = new ArrayList<>();
    List<ResourcePattern> resources = new ArrayList<>();
    List<ResourceType> types = new ArrayList<>();
    List<String> names = new ArrayList<>();
    for (int i = 1; i < words.length; i++) {
      switch (words[i]) {
        case "--add" -> { }
        case "--bootstrap-server", "--command-config" -> i++;
        case "--allow-principal" -> principal = words[++i];
        case "--resource-pattern-type" -> pattern = PatternType.valueOf(words[++i].toUpperCase(Locale.ROOT));
        case "--operation" -> operations.add(operation(words[++i]));
        case "--topic" -> {
          types.add(ResourceType.TOPIC);
          names.add(words[++i]);
        }
        case "--group" -> {
          types.add(ResourceType.GROUP);
          names.add(words[++i]);
        }
        case "--transactional-id" -> {
          types.add(ResourceType.TRANSACTIONAL_ID);
          names.add(words[++i]);
        }
        default -> throw new IllegalArgumentException("kafka-acls.sh option not understood: " + words[i]);
      }
    }
    for (int r = 0; r < types.size(); r++) {
      resources.add(new ResourcePattern(types.get(r), names.get(r), pattern));
    }
    List<AclBinding> bindings = new ArrayList<>();
    for (ResourcePattern resource : resources) {
      for (AclOperation operation : operations) {
        bindings.add(new AclBinding(resource, new AccessControlEntry(principal, "*", operation,
            AclPermissionType.ALLOW)));
      }
    }
    return new Command(principal, bindings);
  }

  /** kafka-acls' names: Read, Write, DescribeConfigs, ... */
  private static AclOperation operation(String name) {
    AclOperation operation = AclOperation.fromString(
        name.replaceAll("([a-z])([A-Z])", "$1_$2").toUpperCase(Locale.ROOT));
    if (operation == AclOperation.UNKNOWN) {
      throw new IllegalArgumentException("unknown operation " + name);
    }
    return operation;
  }

  static Path repositoryRoot() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.exists(dir.resolve("docs").resolve("OPERATIONS.md"))) {
        return dir;
      }
    }
    throw new IllegalStateException("docs/OPERATIONS.md not found above " + Path.of("").toAbsolutePath());
  }
}
