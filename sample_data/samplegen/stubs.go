package samplegen

func (g *gen) reports() error    { return nil }
func (g *gen) properties() error { return nil }
func (g *gen) accidents() error  { return nil }
func (g *gen) ledgers() error    { return nil }
func (g *gen) sensors() error    { return nil }
