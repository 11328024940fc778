import { describe, expect, it } from "vitest";
import {
  isPlainValue,
  renderCommand,
  validateCommandTemplate,
} from "../../../src/evaluate/commandTemplate.js";
import { scanShellContexts } from "../../../src/evaluate/shellContext.js";
import { InputError } from "../../../src/errors/errors.js";
import type { Parameter, ParamValue } from "../../../src/space/parameters.js";

const range = (name: string): Parameter => ({
  kind: "range",
  name,
  valueType: "float",
  low: 0,
  high: 1,
  log: false,
});
const choice = (name: string, values: ParamValue[]): Parameter => ({
  kind: "choice",
  name,
  valueType: "string",
  values,
  ordered: false,
});

const HOSTILE = [
  "a;rm -rf ~",
  "$(id)",
  "`id`",
  "${HOME}",
  "'",
  '"',
  `it's "quoted"`,
  "a\nb",
  "two words",
  "*",
  "a?[b]",
  "x|y&z",
  "",
  "#",
  "\\",
  "~",
  "a'\"$(id)\"'b",
];

describe("renderCommand: placeholder forms and names", () => {
  it("substitutes all four forms %(x), %x, $(x) and $x", () => {
    const r = renderCommand("run %(x) %x $(x) $x", { x: 0.5 });
    expect(r.command).toBe("run 0.5 0.5 0.5 0.5");
  });

  it('keeps OmniOpt2\'s documented echo "RESULT: %(x)%(y)" form working', () => {
    expect(renderCommand('echo "RESULT: %(x)%(y)"', { x: 1, y: 2 }).command).toBe(
      'echo "RESULT: 12"',
    );
  });

  it("matches whole names, longest first: %xy is xy, not x followed by y", () => {
    const p = { x: 1, xy: 2 };
    expect(renderCommand("%xy %x $xy $x %(xy) $(x)", p).command).toBe("2 1 2 1 2 1");
  });

  it("leaves %xz alone when no parameter xz exists, and %(x)z puts x before z", () => {
    expect(renderCommand("a %xz b %(x)z", { x: 7 }).command).toBe("a %xz b 7z");
  });

  it("leaves shell variables that merely start with a parameter name alone", () => {
    expect(renderCommand("echo $x_dir $HOME ${x}", { x: 3 }).command).toBe(
      "echo $x_dir $HOME ${x}",
    );
  });

  it("writes floats in shortest round-trip form", () => {
    expect(renderCommand("p %a %b %c %d", { a: 0.1, b: 1e-7, c: -0, d: 1 / 3 }).command).toBe(
      "p 0.1 1e-7 0 0.3333333333333333",
    );
  });

  it("substitutes plain choice strings as text, inside any quotes", () => {
    const p = { opt: "adam_w-2.0:x=y@h/p,q+r" };
    expect(renderCommand(`p %opt "%opt" '%opt'`, p).command).toBe(
      `p ${p.opt} "${p.opt}" '${p.opt}'`,
    );
  });
});

describe("renderCommand: plain values never become redirections", () => {
  it("quotes an all-digit value right before < or > so it stays a word, not a file descriptor", () => {
    expect(renderCommand("echo %x>out", { x: 2 }).command).toBe('echo "2">out');
    expect(renderCommand("cat %(x)1<in", { x: 2 }).command).toBe('cat "2"1<in');
    expect(renderCommand("echo %x>out", { x: 0.5 }).command).toBe("echo 0.5>out");
    expect(renderCommand('echo "%x>out"', { x: 2 }).command).toBe('echo "2>out"');
    expect(renderCommand("echo %x >out", { x: 2 }).command).toBe("echo 2 >out");
  });
});

describe("renderCommand: values that are not plain go through the environment", () => {
  it('references an unquoted placeholder as "$SLURMOPT_P_name"', () => {
    const r = renderCommand("prog --opt %o --n=%(o)", { o: "a;rm -rf ~" });
    expect(r.command).toBe('prog --opt "$SLURMOPT_P_o" --n="$SLURMOPT_P_o"');
    expect(r.env.SLURMOPT_P_o).toBe("a;rm -rf ~");
  });

  it("references a placeholder in double quotes as $VAR, or ${VAR} before a name character", () => {
    const p = { o: "two words", x: 1 };
    expect(renderCommand('echo "o=%o!"', p).command).toBe('echo "o=$SLURMOPT_P_o!"');
    expect(renderCommand('echo "%(o)abc"', p).command).toBe('echo "${SLURMOPT_P_o}abc"');
    expect(renderCommand('echo "%o%x"', p).command).toBe('echo "${SLURMOPT_P_o}1"');
  });

  it("closes and reopens single quotes around the reference", () => {
    expect(renderCommand("echo 'v=%o end'", { o: "$(id)" }).command).toBe(
      `echo 'v='"$SLURMOPT_P_o"' end'`,
    );
  });

  it("passes the empty string as one empty argument, not as nothing", () => {
    expect(renderCommand("prog %o next", { o: "" }).command).toBe('prog "$SLURMOPT_P_o" next');
  });

  it.each(HOSTILE)("never lets the value %j change the command's structure", (value) => {
    const template = `prog %o "in dq %o" 'in sq %o' --k=$(o) # note %o`;
    const expected = `prog "$SLURMOPT_P_o" "in dq $SLURMOPT_P_o" 'in sq '"$SLURMOPT_P_o"'' --k="$SLURMOPT_P_o" # note "$SLURMOPT_P_o"`;
    const r = renderCommand(template, { o: value });
    expect(r.command).toBe(expected);
    expect(r.env.SLURMOPT_P_o).toBe(value);
    const scan = scanShellContexts(r.command);
    expect(scan.unterminated).toBeNull();
  });

  it("puts every parameter, the trial id, index, attempt dir and extras in the environment", () => {
    const r = renderCommand(
      "prog %x",
      { x: 0.25, opt: "a b", n: 3 },
      {
        trialId: 12,
        trialIndex: 4,
        attemptDir: "/runs/c/1/jobs/4/1",
        env: { EXTRA: "yes", SLURMOPT_P_x: "overridden?" },
      },
    );
    expect(r.env).toEqual({
      EXTRA: "yes",
      SLURMOPT_TRIAL_ID: "12",
      SLURMOPT_TRIAL_INDEX: "4",
      SLURMOPT_ATTEMPT_DIR: "/runs/c/1/jobs/4/1",
      SLURMOPT_P_x: "0.25",
      SLURMOPT_P_opt: "a b",
      SLURMOPT_P_n: "3",
    });
  });

  it("refuses at render time a non-plain value where it cannot be inserted", () => {
    expect(() => renderCommand("echo $(echo %o)", { o: "a b" })).toThrow(InputError);
    expect(renderCommand("echo $(echo %o)", { o: "ab" }).command).toBe("echo $(echo ab)");
  });
});

describe("validateCommandTemplate", () => {
  const space = [range("x"), choice("opt", ["adam", "sgd"]), choice("flag", ["--a b", "c"])];

  it("accepts placeholders of any parameter in unquoted, quoted and comment positions", () => {
    expect(validateCommandTemplate(`p %x %flag "%flag" '%flag' # %flag`, space).warnings).toEqual(
      [],
    );
  });

  it("accepts plain-only parameters inside substitutions", () => {
    expect(() =>
      validateCommandTemplate("echo $(echo %x %opt) `echo %opt` ${A:-%x}", space),
    ).not.toThrow();
  });

  it.each([
    ["backticks", "echo `echo %flag`"],
    ["$(...)", "echo $(printf %s %flag)"],
    ["${...}", "echo ${A:-%flag}"],
    ["$((...))", "echo $((%flag))"],
    ["a heredoc", "cat <<EOF\n%flag\nEOF"],
    ["bash $'...'", "echo $'x' %flag"],
  ])("refuses a parameter with non-plain values inside %s, naming it and the fix", (_what, t) => {
    let err: unknown;
    try {
      validateCommandTemplate(t, space);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InputError);
    const msg = (err as Error).message;
    expect(msg).toContain('parameter "flag"');
    expect(msg).toContain('"--a b"');
    expect(msg).toContain("$SLURMOPT_P_flag");
    expect(msg).toMatch(/restrict the values/);
  });

  it.each([
    ["sh -c", 'sh -c "echo %flag"'],
    ["bash -lc", "bash -lc 'true' && bash -lc \"run %flag\""],
    ["/bin/dash -e -c", "/bin/dash -e -c run\\ %flag"],
    ["eval", "eval %flag"],
    ["eval in double quotes", 'x=1; eval "echo %flag"'],
    ["sh -c in single quotes", "sh -c 'echo %flag'"],
    ["eval in single quotes", "eval 'echo %flag'"],
  ])(
    "refuses a non-plain value where %s would run it as shell code again, naming the fix",
    (_what, t) => {
      expect(() => validateCommandTemplate(t, space)).toThrow(
        /parameter "flag" can take the value "--a b".* comes after "(sh -c|bash -lc|\/bin\/dash -e -c|eval)", which runs its argument as shell code again.*Fix: read "\$SLURMOPT_P_flag" in the inner command/,
      );
    },
  );

  it("accepts a re-reading shell given plain-only values or the variable, and a shell without -c", () => {
    expect(() => validateCommandTemplate('sh -c "train --opt %opt --x %x"', space)).not.toThrow();
    expect(() => validateCommandTemplate(`sh -c 'echo "$SLURMOPT_P_flag"'`, space)).not.toThrow();
    expect(() => validateCommandTemplate("bash run.sh %flag", space)).not.toThrow();
    expect(() => validateCommandTemplate("evaluate %flag && shell -c %flag", space)).not.toThrow();
  });

  it("refuses a placeholder right after an active backslash or dollar, for any parameter", () => {
    expect(() => validateCommandTemplate("echo \\%x", space)).toThrow(/"%x".*right after a `\\`/);
    expect(() => validateCommandTemplate('echo "\\$x"', space)).toThrow(InputError);
    expect(() => validateCommandTemplate("echo $%x", space)).toThrow(/right after a `\$`/);
    expect(() => validateCommandTemplate("echo $$x", space)).toThrow(InputError);
    expect(() => validateCommandTemplate("echo '\\%x'", space)).not.toThrow();
  });

  it("refuses a placeholder that would extend a shell variable name or a ~user prefix", () => {
    expect(() => validateCommandTemplate("echo $HOME%x", space)).toThrow(
      /\$HOME.*write \$\{HOME\}/,
    );
    expect(() => validateCommandTemplate('echo "$HOME$(x)"', space)).toThrow(InputError);
    expect(() => validateCommandTemplate("echo ${HOME}%x $HOME/%x", space)).not.toThrow();
    expect(() => validateCommandTemplate("echo ~%opt", space)).toThrow(/`~`/);
    expect(() => validateCommandTemplate("echo ~/%opt a~%opt", space)).not.toThrow();
  });

  it("refuses a template that ends inside a quote", () => {
    expect(() => validateCommandTemplate('echo "RESULT: %x', space)).toThrow(
      /double-quoted string/,
    );
  });

  it("refuses an empty template and NUL characters", () => {
    expect(() => validateCommandTemplate("  ", space)).toThrow(/empty/);
    expect(() => validateCommandTemplate("echo \u0000", space)).toThrow(/NUL/);
    expect(() => validateCommandTemplate("echo %z", [choice("z", ["a\u0000b"])])).toThrow(/NUL/);
  });

  it("warns about %word that starts with a parameter name but names none", () => {
    const w = validateCommandTemplate("p %xz %(nope) %other $xz", space).warnings;
    expect(w).toHaveLength(2);
    expect(w[0]).toContain('"%xz"');
    expect(w[1]).toContain('"%(nope)"');
  });

  it("names the field it was given", () => {
    expect(() => validateCommandTemplate("", space, "program")).toThrow(/^program: /);
  });
});

describe("isPlainValue", () => {
  it("accepts numbers and [A-Za-z0-9._+-:=@/,]+ strings only", () => {
    expect(isPlainValue(1e-7)).toBe(true);
    expect(isPlainValue("a.b_c+d-e:f=g@h/i,j")).toBe(true);
    for (const v of HOSTILE) expect(isPlainValue(v)).toBe(false);
  });
});
