"""Knooppunt: portal for Dutch healthcare data exchange with delegated user administration."""
