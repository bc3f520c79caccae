#!/usr/bin/env python3
# fe_asm.py - prints the x86-64 MULX/ADCX/ADOX assembly bodies of mul_mulx and
# sqr_mulx in fe.c (paste between "__asm__ volatile(" and the operand list).
# Kept so the register rotation can be changed without hand-editing 130 lines.
# Never run at build time; fe.c holds the output.
import sys

RAX, RBX, RDX = "%%rax", "%%rbx", "%%rdx"
R = ["%%r8", "%%r9", "%%r10", "%%r11", "%%r12", "%%r13", "%%r14", "%%r15"]
out = []


def ins(op, *args):
    out.append('\t\t"' + op + " " + ", ".join(args) + '\\n\\t"')


def reduce_step(t, i, words):
    """(T + m*p*2^(64i)) with m = t[i], in place; words = index of the top word."""
    ins("movq", t[i], RAX); ins("shlq", "$32", RAX)
    ins("movq", t[i], RBX); ins("shrq", "$32", RBX)
    ins("addq", t[i], t[i + 1]); ins("adcq", "$0", t[i + 2]); ins("adcq", "$0", t[i + 3])
    ins("adcq", t[i], t[i + 4])
    for k in range(i + 5, words + 1):
        ins("adcq", "$0", t[k])
    return


def final_sub(res, carry, tmp):
    """res (4 regs) + carry reg: subtract p unless that borrows; store to r."""
    ins("movq", res[0], RAX); ins("movq", res[1], RBX); ins("movq", res[2], RDX); ins("movq", res[3], tmp)
    ins("subq", "0(%[p])", RAX); ins("sbbq", "8(%[p])", RBX)
    ins("sbbq", "16(%[p])", RDX); ins("sbbq", "24(%[p])", tmp)
    ins("sbbq", "$0", carry); ins("sbbq", carry, carry)
    new = [RAX, RBX, RDX, tmp]
    for x, y in zip(new, res): ins("xorq", x, y)
    for y in res: ins("andq", carry, y)
    for x, y in zip(new, res): ins("xorq", y, x)
    for j, x in enumerate(new): ins("movq", x, str(8 * j) + "(%[r])")


def mul():
    r = R[:6]
    for x in r: ins("xorq", x, x)
    for i in range(4):
        t = [r[(i + j) % 6] for j in range(6)]
        ins("movq", str(8 * i) + "(%[a])", RDX)
        if i: ins("xorq", t[5], t[5])
        else: ins("xorl", "%%eax", "%%eax")
        for j in range(4):
            ins("mulxq", str(8 * j) + "(%[b])", RAX, RBX)
            ins("adcxq", RAX, t[j]); ins("adoxq", RBX, t[j + 1])
        ins("adcxq", t[5], t[4]); ins("adoxq", t[5], t[5]); ins("adcq", "$0", t[5])
        reduce_step(t, 0, 5)
        ins("subq", RAX, t[1]); ins("sbbq", RBX, t[2]); ins("sbbq", RAX, t[3])
        ins("sbbq", RBX, t[4]); ins("sbbq", "$0", t[5])
    res = [r[(4 + j) % 6] for j in range(5)]
    final_sub(res[:4], res[4], r[3])


def sqr():
    t = R
    ins("movq", "0(%[a])", RDX)
    ins("mulxq", "8(%[a])", t[1], t[2]); ins("mulxq", "16(%[a])", RAX, t[3])
    ins("mulxq", "24(%[a])", RBX, t[4])
    ins("addq", RAX, t[2]); ins("adcq", RBX, t[3]); ins("adcq", "$0", t[4])
    ins("movq", "8(%[a])", RDX); ins("xorl", "%%r13d", "%%r13d")
    ins("mulxq", "16(%[a])", RAX, RBX); ins("adcxq", RAX, t[3]); ins("adoxq", RBX, t[4])
    ins("mulxq", "24(%[a])", RAX, RBX); ins("adcxq", RAX, t[4]); ins("adoxq", RBX, t[5])
    ins("movl", "$0", "%%eax"); ins("adcxq", RAX, t[5])
    ins("movq", "16(%[a])", RDX); ins("mulxq", "24(%[a])", RAX, t[6])
    ins("addq", RAX, t[5]); ins("adcq", "$0", t[6])
    ins("xorl", "%%r15d", "%%r15d"); ins("addq", t[1], t[1])
    for k in range(2, 7): ins("adcq", t[k], t[k])
    ins("adcq", "$0", t[7])
    ins("movq", "0(%[a])", RDX); ins("mulxq", RDX, t[0], RAX); ins("addq", RAX, t[1])
    for i, (lo, hi) in enumerate([(2, 3), (4, 5), (6, 7)]):
        ins("movq", str(8 * (i + 1)) + "(%[a])", RDX); ins("mulxq", RDX, RAX, RBX)
        ins("adcq", RAX, t[lo]); ins("adcq", RBX, t[hi])
    for i in range(4):
        reduce_step(t, i, 7)
        if i == 3:
            ins("movl", "$0", "%%r11d"); ins("adcq", "$0", t[3])
        ins("subq", RAX, t[i + 1]); ins("sbbq", RBX, t[i + 2]); ins("sbbq", RAX, t[i + 3])
        ins("sbbq", RBX, t[i + 4])
        for k in range(i + 5, 8): ins("sbbq", "$0", t[k])
        if i == 3:
            ins("sbbq", "$0", t[3])
    final_sub(t[4:8], t[3], t[0])


(mul if sys.argv[1:] == ["mul"] else sqr)()
print("\n".join(out))
