package pickle

import "strings"

// importGlobal records one import of module.name and returns its index.
func (m *machine) importGlobal(off int64, opcode, module, name string, unresolved bool) int32 {
	key := module + "\x00" + name
	if g, ok := m.globIdx[key]; ok {
		m.res.Globals[g].Imports++
		return g
	}
	if len(m.res.Globals) >= maxGlobals {
		// an absurd number of distinct imports: fold the rest into one
		// unresolved global, which is reported like any unresolved import
		m.res.hitLimit(LimitGlobals)
		module, name, unresolved = "<too many globals>", "", true
		key = module
		if g, ok := m.globIdx[key]; ok {
			m.res.Globals[g].Imports++
			return g
		}
	}
	m.bud.charge(costGlobal + int64(len(module)+len(name)))
	m.res.Globals = append(m.res.Globals, &Global{Module: module, Name: name, Offset: off, Opcode: opcode,
		Imports: 1, Unresolved: unresolved, Stream: m.res.Streams})
	g := int32(len(m.res.Globals) - 1)
	m.globIdx[key] = g
	return g
}

// recordCall notes that global g is invoked; args are rendered for the
// first few calls only.
func (m *machine) recordCall(g int32, kind CallKind, off int64, args value, custom bool) {
	gl := m.res.Globals[g]
	gl.CallCount++
	switch kind {
	case CallReduce, CallInst, CallObj:
		gl.DirectCalls++
	case CallBuild:
		if custom {
			gl.DirectCalls++
		}
	}
	if len(gl.Calls) < maxCallsPerGlob {
		a := ""
		if kind != CallBuild || args.k != kOther {
			a = m.renderArgs(args)
		}
		c := Call{Kind: kind, Offset: off, Args: a, CustomState: custom}
		if its := m.items(args); args.k == kTuple && len(its) > 0 && its[0].k == kNone {
			c.FirstArgNone = true
		}
		m.bud.charge(costCallOf + int64(len(a)))
		gl.Calls = append(gl.Calls, c)
	}
}

func (m *machine) renderArgs(args value) string {
	if args.k == kTuple {
		var b strings.Builder
		m.renderItems(&b, args, 3)
		if args.ref < 0 && args.n == 0 {
			return ""
		}
		s := b.String()
		if len(s) > maxRenderedValue {
			s = s[:maxRenderedValue] + "…"
		}
		return s
	}
	return m.render(args, 3)
}

// call models REDUCE, NEWOBJ, INST and OBJ: it records the call on the
// callee's global, follows getattr/__import__ so that the attribute they
// reach becomes a global of its own, and analyses byte strings that reach
// loaders. It returns the call's result.
func (m *machine) call(off int64, fn, args, kwargs value, kind CallKind) value {
	g := m.classOf(fn)
	if fn.k == kCall {
		// calling the result of a call: attribute the call to what produced
		// the callable, and if that was getattr/__import__, to the target
		g = -1
		if fn.ref >= 0 {
			g = m.calls[fn.ref].global
		}
	}
	if g >= 0 {
		m.recordCall(g, kind, off, args, false)
	}
	res := value{k: kCall, ref: -1}
	if len(m.calls) < maxCalls {
		m.bud.charge(costCall)
		m.calls = append(m.calls, callRec{fn: fn, args: args, kwargs: kwargs, global: g})
		res.ref = int32(len(m.calls) - 1)
	}
	if g < 0 || fn.k != kGlobal {
		return res
	}
	qual := canonicalQual(m.res.Globals[g].QualName())
	a := m.items(args)
	switch qual {
	case "builtins.getattr", "operator.attrgetter":
		if len(a) >= 2 {
			if attr, ok := m.str(a[1]); ok {
				if a[0].k == kGlobal && a[0].ref >= 0 {
					t := m.res.Globals[a[0].ref]
					mod, name := t.Module, attr
					if t.Name != "" {
						name = t.Name + "." + attr
					}
					ng := m.importGlobal(off, "getattr", mod, name, false)
					m.resolvedTo(g, ng)
					return value{k: kGlobal, ref: ng}
				}
				if ng := m.boundMethod(off, a[0], attr); ng >= 0 {
					m.resolvedTo(g, ng)
					return value{k: kGlobal, ref: ng}
				}
			}
		}
	case "builtins.__import__", "importlib.import_module":
		if len(a) >= 1 {
			if mod, ok := m.str(a[0]); ok {
				ng := m.importGlobal(off, "__import__", mod, "", false)
				return value{k: kGlobal, ref: ng}
			}
		}
	case "copyreg._reconstructor":
		// _reconstructor(cls, base, state): object.__new__(cls), and unless
		// base is object, base.__init__(obj, state) — a call of base
		if len(a) >= 2 {
			if c := m.classOf(a[0]); c >= 0 && a[0].k == kGlobal {
				m.recordCall(c, CallNewObj, off, noValue, false)
			}
			if b := m.classOf(a[1]); b >= 0 && a[1].k == kGlobal {
				if q := canonicalQual(m.res.Globals[b].QualName()); q != "builtins.object" {
					st := noValue
					if len(a) >= 3 {
						st = m.newSeq(kTuple, a[2:3])
					}
					m.recordCall(b, CallReduce, off, st, false)
				}
			}
		}
	case "copyreg.__newobj__", "copyreg.__newobj_ex__":
		if len(a) >= 1 && a[0].k == kGlobal {
			if c := m.classOf(a[0]); c >= 0 {
				m.recordCall(c, CallNewObj, off, m.newSeq(kTuple, a[1:]), false)
			}
		}
	case "torch._tensor._rebuild_from_type", "torch._tensor._rebuild_from_type_v2":
		// _rebuild_from_type(_v2)(func, new_type, args, state): func(*args),
		// then new_type's __setstate__ or _set_state (v2) or __dict__ (v1)
		if len(a) >= 3 && a[0].k == kGlobal {
			m.recordCall(a[0].ref, CallReduce, off, a[2], false)
		}
		if len(a) >= 2 && a[1].k == kGlobal {
			m.recordCall(a[1].ref, CallNewObj, off, noValue, false)
		}
	case "numpy.random._pickle.__bit_generator_ctor":
		if len(a) >= 1 {
			m.bitGeneratorCtor(off, a[0])
		}
	default:
		// reconstructors that instantiate a class they are given: the class
		// is judged as instantiated (an unknown one is reported, a denied
		// one is critical)
		if i, ok := classArg[qual]; ok && len(a) > i && a[i].k == kGlobal {
			m.recordCall(a[i].ref, CallNewObj, off, noValue, false)
		}
		// reconstructors that call an argument: the callee is judged as
		// called with the other argument
		if ix, ok := ctorArg[qual]; ok && len(a) > ix[0] && len(a) > ix[1] && a[ix[0]].k == kGlobal {
			m.recordCall(a[ix[0]].ref, CallReduce, off, m.newSeq(kTuple, a[ix[1]:ix[1]+1]), false)
			if canonicalQual(m.res.Globals[a[ix[0]].ref].QualName()) == "numpy.random._pickle.__bit_generator_ctor" {
				m.bitGeneratorCtor(off, a[ix[1]]) // NumPy 2's own shape: (cls, __bit_generator_ctor)
			}
		}
	}
	if loaders[qual] && len(a) >= 1 {
		m.nested(off, qual, a[0])
	}
	return res
}

// resolvedTo notes that a call of the getattr global g reached global ng:
// every call is counted, and so is every target the allowlist lacks; the
// names are kept for the message up to a bound.
func (m *machine) resolvedTo(g, ng int32) {
	gl, t := m.res.Globals[g], m.res.Globals[ng]
	gl.ResolvedCalls++
	if Allowance(t.Module, t.Name) == UseNone {
		gl.UnlistedTargets++
	}
	if len(gl.Targets) < maxCallsPerGlob {
		gl.Targets = append(gl.Targets, t.QualName())
	}
}

// boundMethod resolves getattr(obj, attr) on an object the pickle built by
// calling a class C directly (NEWOBJ, REDUCE) to the global C.attr, when
// the allowlist names that exact method: pickle writes a bound method such
// as SciPy 1.10's vectorize(self._entropy) or torch 1.13's OneCycleLR
// anneal_func that way. The result is judged as that global from then on:
// its entry allows a reference, so calling it while loading is reported,
// whatever BUILD may have stored under the name. It returns -1 otherwise.
func (m *machine) boundMethod(off int64, obj value, attr string) int32 {
	if obj.k != kCall || obj.ref < 0 {
		return -1
	}
	rec := m.calls[obj.ref]
	if rec.fn.k != kGlobal || rec.global < 0 {
		return -1
	}
	c := m.res.Globals[rec.global]
	if c.Name == "" || c.Unresolved || Allowance(c.Module, c.Name+"."+attr) == UseNone {
		return -1
	}
	return m.importGlobal(off, "getattr", c.Module, c.Name+"."+attr, false)
}

// bitGeneratorCtor models numpy.random._pickle.__bit_generator_ctor(arg):
// NumPy 2 calls arg when it is a class (NumPy 1.x looks a name up in its
// own table), so a global given there is called without arguments.
func (m *machine) bitGeneratorCtor(off int64, arg value) {
	if arg.k == kGlobal && arg.ref >= 0 {
		m.recordCall(arg.ref, CallReduce, off, m.newSeq(kTuple, nil), false)
	}
}
