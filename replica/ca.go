package replica

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base32"
	"errors"
	"fmt"
	"math/big"
	"net"
	"strings"
	"time"

	"github.com/ecabinet/ecabinet/identity"
)

// authority is the hub's certificate authority. Its key lives only in the
// hub's encrypted store.
type authority struct {
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
}

// hubKeys is what the hub keeps about its TLS identity (setting "hub/keys").
type hubKeys struct {
	Org        string   `cbor:"1,keyasint"`
	CAKey      []byte   `cbor:"2,keyasint"` // PKCS#8
	CACert     []byte   `cbor:"3,keyasint"` // DER
	ServerKey  []byte   `cbor:"4,keyasint"` // PKCS#8
	ServerCert []byte   `cbor:"5,keyasint"` // DER
	Hosts      []string `cbor:"6,keyasint"`
}

func serial() *big.Int {
	n, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	if err != nil {
		panic(err)
	}
	return n
}

// newHubKeys creates the CA and the server certificate for hosts.
func newHubKeys(org string, hosts []string) (hubKeys, error) {
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return hubKeys{}, err
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber:          serial(),
		Subject:               pkix.Name{CommonName: org + " — eCabinet hub CA", Organization: []string{org}},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.AddDate(20, 0, 0),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
		MaxPathLenZero:        true,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &caKey.PublicKey, caKey)
	if err != nil {
		return hubKeys{}, err
	}
	caCert, _ := x509.ParseCertificate(caDER)
	caPKCS8, err := x509.MarshalPKCS8PrivateKey(caKey)
	if err != nil {
		return hubKeys{}, err
	}
	k := hubKeys{Org: org, CAKey: caPKCS8, CACert: caDER}
	a := &authority{cert: caCert, key: caKey}
	if err := a.reissueServer(&k, hosts); err != nil {
		return hubKeys{}, err
	}
	return k, nil
}

// reissueServer makes a new server certificate for hosts.
func (a *authority) reissueServer(k *hubKeys, hosts []string) error {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return err
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber: serial(),
		Subject:      pkix.Name{CommonName: k.Org + " — eCabinet hub"},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.AddDate(5, 0, 0),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	for _, h := range hosts {
		if ip := net.ParseIP(h); ip != nil {
			tmpl.IPAddresses = append(tmpl.IPAddresses, ip)
		} else {
			tmpl.DNSNames = append(tmpl.DNSNames, h)
		}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, a.cert, &key.PublicKey, a.key)
	if err != nil {
		return err
	}
	p8, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return err
	}
	k.ServerKey, k.ServerCert, k.Hosts = p8, der, hosts
	return nil
}

func (k hubKeys) authority() (*authority, error) {
	cert, err := x509.ParseCertificate(k.CACert)
	if err != nil {
		return nil, err
	}
	key, err := x509.ParsePKCS8PrivateKey(k.CAKey)
	if err != nil {
		return nil, err
	}
	ek, ok := key.(*ecdsa.PrivateKey)
	if !ok {
		return nil, errors.New("hub CA key is not ECDSA")
	}
	return &authority{cert: cert, key: ek}, nil
}

func (k hubKeys) serverCertificate() (tls.Certificate, error) {
	key, err := x509.ParsePKCS8PrivateKey(k.ServerKey)
	if err != nil {
		return tls.Certificate{}, err
	}
	return tls.Certificate{Certificate: [][]byte{k.ServerCert, k.CACert}, PrivateKey: key}, nil
}

// issueDevice certifies a device's own Ed25519 key for TLS client auth.
func (a *authority) issueDevice(pub ed25519.PublicKey, memberName string) ([]byte, error) {
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber: serial(),
		Subject:      pkix.Name{CommonName: identity.IDOf(pub), OrganizationalUnit: []string{memberName}},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.AddDate(3, 0, 0),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	}
	return x509.CreateCertificate(rand.Reader, tmpl, a.cert, pub, a.key)
}

// deviceOf returns the device ID a client certificate proves: the ID of
// the Ed25519 key it certifies (never the name written in it).
func deviceOf(cert *x509.Certificate) (string, error) {
	pub, ok := cert.PublicKey.(ed25519.PublicKey)
	if !ok {
		return "", errors.New("client certificate does not hold an Ed25519 device key")
	}
	return identity.IDOf(pub), nil
}

var pinEnc = base32.StdEncoding.WithPadding(base32.NoPadding)

// pinOf is the short form of a CA's key hash carried in invites, so that a
// device can check it reached the right hub before sending anything.
func pinOf(caDER []byte) (string, error) {
	c, err := x509.ParseCertificate(caDER)
	if err != nil {
		return "", err
	}
	return keyPin(c), nil
}

// keyPin is pinOf for a certificate already parsed.
func keyPin(c *x509.Certificate) string {
	h := sha256.Sum256(c.RawSubjectPublicKeyInfo)
	return strings.ToLower(pinEnc.EncodeToString(h[:10]))
}

// Fingerprint is the hub's fingerprint, for people to compare: the hash of
// its CA key, in groups.
func Fingerprint(caDER []byte) (string, error) {
	c, err := x509.ParseCertificate(caDER)
	if err != nil {
		return "", fmt.Errorf("hub certificate: %w", err)
	}
	return identity.Fingerprint(c.RawSubjectPublicKeyInfo), nil
}
