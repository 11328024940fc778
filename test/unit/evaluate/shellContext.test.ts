import { describe, expect, it } from "vitest";
import { PLACEHOLDER_MARK, scanShellContexts } from "../../../src/evaluate/shellContext.js";

/** Scans a text where `@@` stands for a placeholder; returns the context kinds. */
function kinds(text: string): string[] {
  return scanShellContexts(text.replaceAll("@@", PLACEHOLDER_MARK)).marks.map((m) => m.kind);
}

describe("scanShellContexts", () => {
  it("tells unquoted, double-quoted, single-quoted and comment positions apart", () => {
    expect(kinds(`prog @@ "a @@ b" 'c @@' # d @@`)).toEqual([
      "unquoted",
      "double",
      "single",
      "comment",
    ]);
  });

  it("ends a comment at the newline", () => {
    expect(kinds("echo # c @@\necho @@")).toEqual(["comment", "unquoted"]);
  });

  it("starts a comment only at the start of a word", () => {
    expect(kinds("echo a#b @@")).toEqual(["unquoted"]);
    expect(kinds("echo $# @@")).toEqual(["unquoted"]);
    expect(kinds("true;# @@")).toEqual(["comment"]);
  });

  it("follows backslash escapes of quotes", () => {
    expect(kinds(`echo \\" @@`)).toEqual(["unquoted"]);
    expect(kinds(`echo "a\\" @@"`)).toEqual(["double"]);
    expect(kinds(`echo \\' @@`)).toEqual(["unquoted"]);
  });

  it("treats a backslash inside single quotes as a plain character", () => {
    expect(kinds(`echo 'a\\' @@`)).toEqual(["unquoted"]);
  });

  it("reports placeholders inside command substitutions and expansions as unsafe", () => {
    expect(kinds("echo $(echo @@)")).toEqual(["unsafe"]);
    expect(kinds("echo `echo @@`")).toEqual(["unsafe"]);
    expect(kinds(`echo "$(echo "@@")"`)).toEqual(["unsafe"]);
    expect(kinds("echo ${X:-@@}")).toEqual(["unsafe"]);
    expect(kinds("echo $((@@ + 1))")).toEqual(["unsafe"]);
  });

  it("returns to the outer context after a substitution closes", () => {
    expect(kinds(`echo "$(echo ")")" @@`)).toEqual(["unquoted"]);
    expect(kinds("echo $(date) @@ `date` @@")).toEqual(["unquoted", "unquoted"]);
    expect(kinds(`echo \${x:-"}"} @@`)).toEqual(["unquoted"]);
    expect(kinds("echo $((1 + (2 * 3))) @@")).toEqual(["unquoted"]);
    expect(kinds("echo $( (true) ) @@")).toEqual(["unquoted"]);
  });

  it("stops following the shell at heredocs, bash quoting and case inside $(...)", () => {
    expect(kinds("cat <<EOF\n@@\nEOF\necho @@")).toEqual(["unsafe", "unsafe"]);
    expect(kinds("echo $'a\\'' @@")).toEqual(["unsafe"]);
    expect(kinds(`echo $"a" @@`)).toEqual(["unsafe"]);
    expect(kinds("echo $(case a in a) echo;; esac) @@")).toEqual(["unsafe"]);
  });

  it("reports a placeholder right after an active backslash or dollar as attached", () => {
    expect(kinds("echo \\@@")).toEqual(["attached"]);
    expect(kinds(`echo "\\@@"`)).toEqual(["attached"]);
    expect(kinds("echo $@@")).toEqual(["attached"]);
    expect(kinds(`echo "$@@"`)).toEqual(["attached"]);
    expect(kinds("echo '$@@ \\@@'")).toEqual(["single", "single"]);
    expect(kinds("echo $$ @@")).toEqual(["unquoted"]);
  });

  it("reports a placeholder that would extend a shell variable name or a ~user prefix as attached", () => {
    expect(kinds("echo $HOME@@")).toEqual(["attached"]);
    expect(kinds(`echo "$HOME@@"`)).toEqual(["attached"]);
    expect(kinds("echo ${HOME}@@ $HOME/@@ $1@@")).toEqual(["unquoted", "unquoted", "unquoted"]);
    expect(kinds("echo ~@@ a~@@ '~@@'")).toEqual(["attached", "unquoted", "single"]);
  });

  it("reports an unterminated quote or substitution", () => {
    expect(scanShellContexts(`echo "abc`).unterminated).toBe("a double-quoted string");
    expect(scanShellContexts(`echo 'abc`).unterminated).toBe("a single-quoted string");
    expect(scanShellContexts(`echo $(date`).unterminated).toBe("a $(...) command substitution");
    expect(scanShellContexts(`echo ok # no newline`).unterminated).toBeNull();
  });
});
