package gobgolden

import (
	"encoding"
	"encoding/gob"
	"reflect"
)

// maxFillDepth bounds how deep FillZeroFields goes into nested values; recursive types
// (CommandResponse.ExtraResponses, nested post metadata) stop there.
const maxFillDepth = 5

// FillZeroFields gives every exported field of the struct *ptr that is still zero a non-zero
// value, so that gob sends it: strings hold the field's name, numbers 42, booleans true,
// pointers, slices and maps one filled element (maps exactly one entry, so the bytes do not
// depend on Go's random map order), empty interfaces a string. Fields set before are kept.
// Whatever a release added to a type is filled this way without naming it, which is the point:
// the fixtures then carry every field that release sends.
func FillZeroFields(ptr any) {
	v := reflect.ValueOf(ptr).Elem()
	fillStruct(v, 0)
}

var (
	gobEncoderType    = reflect.TypeFor[gob.GobEncoder]()
	binaryMarshalType = reflect.TypeFor[encoding.BinaryMarshaler]()
)

func fillStruct(v reflect.Value, depth int) {
	t := v.Type()
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		fv := v.Field(i)
		if fv.IsZero() {
			fillValue(fv, f.Name, depth+1)
		} else if fv.Kind() == reflect.Struct {
			fillStruct(fv, depth+1)
		}
	}
}

// fillValue sets the zero value v (settable) to a non-zero one; name is the field's name.
func fillValue(v reflect.Value, name string, depth int) {
	if depth > maxFillDepth {
		return
	}
	t := v.Type()
	// Values that marshal themselves (time.Time and the like) keep their zero value: their
	// fields are not gob's.
	if t.Implements(gobEncoderType) || reflect.PointerTo(t).Implements(gobEncoderType) ||
		t.Implements(binaryMarshalType) || reflect.PointerTo(t).Implements(binaryMarshalType) {
		return
	}
	switch t.Kind() {
	case reflect.String:
		v.SetString(name)
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		v.SetInt(42)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		v.SetUint(42)
	case reflect.Float32, reflect.Float64:
		v.SetFloat(4.25)
	case reflect.Pointer:
		p := reflect.New(t.Elem())
		fillValue(p.Elem(), name, depth)
		v.Set(p)
	case reflect.Struct:
		fillStruct(v, depth)
	case reflect.Slice:
		s := reflect.MakeSlice(t, 1, 1)
		fillValue(s.Index(0), name, depth+1)
		if !nilElement(s.Index(0)) {
			v.Set(s)
		}
	case reflect.Array:
		for i := range v.Len() {
			fillValue(v.Index(i), name, depth+1)
		}
	case reflect.Map:
		m := reflect.MakeMapWithSize(t, 1)
		k := reflect.New(t.Key()).Elem()
		fillValue(k, name+"Key", depth+1)
		e := reflect.New(t.Elem()).Elem()
		fillValue(e, name, depth+1)
		if !nilElement(e) {
			m.SetMapIndex(k, e)
			v.Set(m)
		}
	case reflect.Interface:
		if t.NumMethod() == 0 {
			v.Set(reflect.ValueOf(name))
		}
	default:
		// Functions and channels: gob ignores such fields.
	}
}

// nilElement: gob refuses nil pointers inside slices and maps (past maxFillDepth they stay nil).
func nilElement(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		return v.IsNil()
	}
	return false
}

// SetIfPresent sets the exported field named field of the struct *ptr to value when this
// release's type has it (plugin.Context.ConnectionId exists from v0.4.0 on).
func SetIfPresent(ptr any, field string, value any) {
	f := reflect.ValueOf(ptr).Elem().FieldByName(field)
	if f.IsValid() && f.CanSet() {
		f.Set(reflect.ValueOf(value).Convert(f.Type()))
	}
}
